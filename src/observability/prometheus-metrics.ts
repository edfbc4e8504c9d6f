import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { VerdictStatus } from "../analysis/score.ts";
import type { SourceKind } from "../sources/source.ts";
import { AlreadyDecidedError } from "../verdicts/verdict-recorder.ts";
import { INGEST_KINDS, type EvaluationMode, type IngestKind, type Metrics, type RejectReason } from "./metrics.ts";
import type { Readings } from "./metrics-readings.ts";

const PREFIX = "deploy_guard_";
const MINUTE = 60;
/** Decisions take from a few minutes (a clear fail) to the longest window (4 h by default) and a little past it. */
const DECISION_BUCKETS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360].map((m) => m * MINUTE);
const EVALUATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SAME_ON_EVERY_REPLICA = "read from the database at scrape time: every replica on one database reports the same value (aggregate with max, not sum)";

export interface MetricsWiring {
  readings: Readings;
  /** Configured alert channels and outside sources: their series start at 0, so rate() and increase() see the first error. */
  channels: readonly string[];
  sources: readonly SourceKind[];
}

/** Prometheus metrics of one container, in its own registry (tests build several apps in one process). Counters are per process. */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private processMetrics = false;
  private readonly verdicts: Counter<"service" | "environment" | "status">;
  private readonly decisions: Histogram<"environment" | "status">;
  private readonly evaluations: Counter<"mode" | "result">;
  private readonly evaluationSeconds: Histogram<"mode">;
  private readonly accepted: Counter<"kind">;
  private readonly rejectedRecords: Counter<"kind" | "reason">;
  private readonly rejectedBatches: Counter<"kind" | "reason">;
  private readonly deliveryFailures: Counter<"channel" | "gave_up">;
  private readonly sourceErrors: Counter<"source">;

  constructor(wiring: MetricsWiring) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name: PREFIX + name, help, labelNames, registers });
    this.verdicts = counter("verdicts_total", "Final verdicts the engine recorded, by status (pass, warn, fail, hold); per process", ["service", "environment", "status"]);
    this.decisions = new Histogram({
      name: `${PREFIX}time_to_decision_seconds`, help: "Seconds from a deploy's finish (or its analysis start) to the engine's final verdict",
      labelNames: ["environment", "status"], buckets: DECISION_BUCKETS, registers,
    });
    this.evaluations = counter("evaluations_total", "Evaluations run (one release judged and its verdict recorded); result ok, superseded (decided meanwhile) or error", ["mode", "result"]);
    this.evaluationSeconds = new Histogram({
      name: `${PREFIX}evaluation_duration_seconds`, help: "Compute time of one evaluation, reading pushed telemetry included (outside sources are read before it)",
      labelNames: ["mode"], buckets: EVALUATION_BUCKETS, registers,
    });
    this.accepted = counter("ingest_records_accepted_total", "Telemetry records stored, by kind (log, metric)", ["kind"]);
    this.rejectedRecords = counter("ingest_records_rejected_total", "Telemetry records in refused batches (a batch is stored whole or not at all), by kind and reason", ["kind", "reason"]);
    this.rejectedBatches = counter("ingest_batches_rejected_total", "Telemetry requests refused after authentication, by kind and reason (malformed bodies included)", ["kind", "reason"]);
    this.deliveryFailures = counter("notification_delivery_failures_total", "Failed alert deliveries by channel; gave_up=true when no retry follows", ["channel", "gave_up"]);
    this.sourceErrors = counter("source_errors_total", "Failed query attempts to outside sources (timeouts included, retries counted each)", ["source"]);
    for (const kind of INGEST_KINDS) this.accepted.inc({ kind }, 0);
    for (const channel of wiring.channels) for (const gaveUp of ["true", "false"]) this.deliveryFailures.inc({ channel, gave_up: gaveUp }, 0);
    for (const source of wiring.sources) this.sourceErrors.inc({ source }, 0);
    this.databaseGauges(wiring.readings);
  }

  private databaseGauges(readings: Readings): void {
    const registers = [this.registry];
    new Gauge({
      name: `${PREFIX}releases_held`, help: `Releases on hold awaiting a person; ${SAME_ON_EVERY_REPLICA}`, registers,
      async collect() {
        this.set((await readings.held()).count);
      },
    });
    // Its own read: the registry collects its metrics concurrently, so one cannot wait for another's.
    new Gauge({
      name: `${PREFIX}releases_held_oldest_timestamp_seconds`, help: `When the longest-held release went on hold, 0 when none is held; ${SAME_ON_EVERY_REPLICA}`, registers,
      async collect() {
        const { oldestAt } = await readings.held();
        this.set(oldestAt === null ? 0 : oldestAt / 1000);
      },
    });
    new Gauge({
      name: `${PREFIX}releases_analyzing`, help: `Releases being analyzed; ${SAME_ON_EVERY_REPLICA}`, registers,
      async collect() {
        this.set(await readings.analyzing());
      },
    });
    new Gauge({
      name: `${PREFIX}outbox_pending_deliveries`, help: `Alerts waiting in the outbox to be delivered, by channel; ${SAME_ON_EVERY_REPLICA}`, labelNames: ["channel"], registers,
      async collect() {
        this.reset();
        for (const [channel, n] of await readings.pendingByChannel()) this.set({ channel }, n);
      },
    });
  }

  verdict(release: { service: string; environment: string }, status: VerdictStatus, decisionSeconds: number | undefined): void {
    this.verdicts.inc({ service: release.service, environment: release.environment, status });
    if (decisionSeconds !== undefined && decisionSeconds >= 0) this.decisions.observe({ environment: release.environment, status }, decisionSeconds);
  }

  async evaluation<T>(mode: EvaluationMode, run: () => Promise<T>, counted = true): Promise<T> {
    const stop = this.evaluationSeconds.startTimer({ mode });
    try {
      const value = await run();
      if (counted) this.evaluations.inc({ mode, result: "ok" });
      return value;
    } catch (err) {
      this.evaluations.inc({ mode, result: err instanceof AlreadyDecidedError ? "superseded" : "error" });
      throw err;
    } finally {
      stop();
    }
  }

  evaluationRecorded(mode: EvaluationMode, result: "ok" | "superseded"): void {
    this.evaluations.inc({ mode, result });
  }

  ingestAccepted(kind: IngestKind, records: number): void {
    this.accepted.inc({ kind }, records);
  }

  ingestRejected(kind: IngestKind, reason: RejectReason, records: number): void {
    this.rejectedBatches.inc({ kind, reason });
    this.rejectedRecords.inc({ kind, reason }, records);
  }

  deliveryFailed(channel: string, gaveUp: boolean): void {
    this.deliveryFailures.inc({ channel, gave_up: String(gaveUp) });
  }

  sourceError(source: SourceKind): void {
    this.sourceErrors.inc({ source });
  }

  /** The text exposition; process metrics join at the first scrape, so containers never scraped start no GC observer. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (!this.processMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
      // prom-client names three gauges *_total (nodejs_active_handles_total…), which promtool refuses; their by-type
      // gauges stay, and sum() over them gives the same totals.
      for (const m of this.registry.getMetricsAsArray()) if (m.name.endsWith("_total") && !(m instanceof Counter)) this.registry.removeSingleMetric(m.name);
      this.processMetrics = true;
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
