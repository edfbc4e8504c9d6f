/**
 * The one interface every telemetry source implements (after Flagger's provider: run a query, check the source is up).
 * The builtin source reads pushed telemetry; the others read where teams already keep logs and metrics.
 */
export const SOURCE_KINDS = ["builtin", "elasticsearch", "datadog", "prometheus"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What a signal asks for over one window: filters by service, environment, version and hosts. */
export interface SourceQuery {
  /** The rule's signal: its kind (error_rate | latency | metric), its metric name, and its source-specific `query` block. */
  signal: { name: string; kind: "error_rate" | "latency" | "metric"; metric?: string | undefined; route?: string | undefined; query?: Record<string, unknown> | undefined };
  service: string;
  environment: string;
  /** The version whose telemetry is wanted, when the window is one release's (candidate) — sources that filter by version use it. */
  version?: string | undefined;
  /** Only these hosts / only other hosts (rolling batches, concurrent baselines). */
  hosts?: string[] | undefined;
  excludeHosts?: string[] | undefined;
  /** Window [start, end) in epoch ms, whole minutes. */
  start: number;
  end: number;
  /** Resolution of the returned points, seconds (60 unless the rule says otherwise). */
  stepSeconds: number;
  /** Aborted when the guard stops waiting (its timeout); pass it on to the HTTP client so the request is dropped too. */
  abort?: AbortSignal | undefined;
}

/**
 * Per-interval data, oldest first. Error rates come as counts (errors out of requests per interval); latency and other
 * metrics as one value per interval (a percentile or mean the source computed), unless the source can return
 * the requests' latency histogram itself (`histogram`, buckets of src/telemetry/latency-histogram.ts, dense).
 */
export type SourceSeries =
  | { kind: "counts"; points: { t: number; events: number; exposure: number }[] }
  | { kind: "values"; points: { t: number; value: number }[] }
  | { kind: "histogram"; hist: Float64Array; points: { t: number; requests: number }[] };

export interface SourceHealth {
  ok: boolean;
  /** One line for /readyz and the verdict: "ok (12 ms)", "timed out after 5000 ms", "401 from datadoghq.eu". Never a secret. */
  detail: string;
}

/** A query or health check that failed; `retryable` says whether trying again can help (timeouts, 5xx, 429). */
export class SourceError extends Error {
  constructor(
    readonly source: SourceKind,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "SourceError";
  }
}

/** The sentinel for "the source answered, but nothing matched": the signal's no-data policy applies. */
export class NoDataError extends Error {
  constructor(
    readonly source: SourceKind,
    message = "no values found",
  ) {
    super(message);
    this.name = "NoDataError";
  }
}

export interface MetricSource {
  readonly kind: SourceKind;
  /** One attempt; throws SourceError (with retryable) or NoDataError. callSource adds the timeout and the bounded retries. */
  query(q: SourceQuery): Promise<SourceSeries>;
  health(): Promise<SourceHealth>;
}
