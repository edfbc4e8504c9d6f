import type { Config } from "../config.ts";
import { withRetries, type RetryPolicy, type Sleep } from "./bounded-retry.ts";
import { NoDataError, SourceError, type MetricSource, type SourceKind, type SourceQuery, type SourceSeries } from "./source.ts";

/** The one retry and timeout layer for queries to outside sources; their clients make a single attempt each. */
export interface CallPolicy extends RetryPolicy {
  /** How long one attempt may take before the guard stops waiting. */
  timeoutMs: number;
  /** Told of every failed attempt (the metrics' source errors). */
  onSourceError?: (source: SourceKind) => void;
}

/** The policy every source query of this process follows (DEPLOY_GUARD_SOURCE_TIMEOUT_MS and _SOURCE_RETRIES). */
export function sourceCallPolicy(config: Pick<Config, "sourceTimeoutMs" | "sourceRetries">, backoffMs = 500): CallPolicy {
  return { timeoutMs: config.sourceTimeoutMs, retries: config.sourceRetries, backoffMs };
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

function withTimeout(source: MetricSource, q: SourceQuery, timeoutMs: number): Promise<SourceSeries> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      // Not retried: a source this slow would only make every verdict wait again; the next check asks afresh.
      reject(new SourceError(source.kind, `did not answer within ${seconds(timeoutMs)}`, false));
    }, timeoutMs);
  });
  return Promise.race([source.query({ ...q, abort: abort.signal }), timedOut]).finally(() => clearTimeout(timer));
}

function asSourceError(source: MetricSource, err: unknown): SourceError | NoDataError {
  if (err instanceof NoDataError || err instanceof SourceError) return err;
  return new SourceError(source.kind, err instanceof Error ? err.message : String(err), false);
}

/**
 * One query, bounded: a timeout per attempt and `retries` more attempts for a retryable SourceError, with doubling
 * waits. Always rejects with a SourceError or a NoDataError, so the caller can apply the signal's no-data policy.
 */
export function callSource(source: MetricSource, q: SourceQuery, policy: CallPolicy, wait?: Sleep): Promise<SourceSeries> {
  const failed = (err: unknown) => {
    const e = asSourceError(source, err);
    if (e instanceof SourceError) policy.onSourceError?.(source.kind);
    return Promise.reject(e);
  };
  return withRetries(() => withTimeout(source, q, policy.timeoutMs).catch(failed), policy, {
    retryable: (err) => err instanceof SourceError && err.retryable,
    giveUp: (err, attempts) => {
      const e = err as SourceError | NoDataError;
      return attempts > 1 && e instanceof SourceError ? new SourceError(e.source, `${e.message} (${attempts} attempts)`, e.retryable) : e;
    },
    ...(wait ? { wait } : {}),
  });
}
