/**
 * What the places where things happen tell the metrics, in a leaf module: they import this interface and its no-op,
 * never prom-client (src/observability/prometheus-metrics.ts is the real one, built per container).
 */
import type { VerdictStatus } from "../analysis/score.ts";
import type { SourceKind } from "../sources/source.ts";

export const INGEST_KINDS = ["log", "metric", "span", "otlp_metric", "otlp_log"] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];

/** Why a telemetry batch was refused, from its answer's status: a few fixed values, never the message. */
export const REJECT_REASONS = ["malformed", "forbidden", "too_large", "unsupported_type", "invalid", "unavailable", "error"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type EvaluationMode = "fixed" | "sequential";

export interface Metrics {
  /** An engine's final verdict, once committed; `decisionSeconds` from the deploy's finish (or analysis start) to it. */
  verdict(release: { service: string; environment: string }, status: VerdictStatus, decisionSeconds: number | undefined): void;
  /**
   * Runs one evaluation (judging one release and recording what it found), timing it and counting it by its result;
   * with `counted` false it only times it, and the caller counts the result once it is recorded (evaluationRecorded).
   */
  evaluation<T>(mode: EvaluationMode, run: () => Promise<T>, counted?: boolean): Promise<T>;
  /** An evaluation judged apart from its recording: recorded (ok), or not, because the release changed meanwhile. */
  evaluationRecorded(mode: EvaluationMode, result: "ok" | "superseded"): void;
  ingestAccepted(kind: IngestKind, records: number): void;
  /** A refused batch; `records` is 0 when the body could not even be split into records. */
  ingestRejected(kind: IngestKind, reason: RejectReason, records: number): void;
  deliveryFailed(channel: string, gaveUp: boolean): void;
  /** One failed attempt at a query of an outside source (a timeout included; "no data" is not an error). */
  sourceError(source: SourceKind): void;
}

/** Metrics off: every hook does nothing (the backtest, and tests that build services by hand). */
export const NO_METRICS: Metrics = {
  verdict: () => {},
  evaluation: (_mode, run) => run(),
  evaluationRecorded: () => {},
  ingestAccepted: () => {},
  ingestRejected: () => {},
  deliveryFailed: () => {},
  sourceError: () => {},
};
