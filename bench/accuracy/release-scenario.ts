/** What one simulated release is: its traffic, the effect the release really has, and the per-minute data it produced. */

export type LatencyEffect =
  | { kind: "none" }
  /** Every request slower by the factor: median and p95 both rise by `rise`. */
  | { kind: "scale"; rise: number }
  /** More requests take the slow path, so p95 rises by `rise` while the median barely moves. */
  | { kind: "tail"; rise: number };

export type TrafficShape = "normal" | "none_after" | "none";

export interface ReleaseSpec {
  /** Mean requests per minute before the daily cycle and bursts. */
  rpm: number;
  /** The release multiplies the error rate by this from the deploy minute on. */
  errorFactor: number;
  latency: LatencyEffect;
  traffic: TrafficShape;
  /** Multipliers from an outside series (a NAB file) for each simulated minute, baseline first. */
  level?: { latency?: Float64Array; errors?: Float64Array };
}

export interface MinuteAggregate {
  requests: number;
  errors: number;
  /** Latency histogram of the minute in the service's buckets (src/telemetry/latency-histogram.ts), dense. */
  hist: Float64Array;
}

export interface SimulatedRelease {
  /** Baseline minutes first, then the analysis minutes; the deploy is at index `deployAt`. */
  minutes: MinuteAggregate[];
  deployAt: number;
  /** Requests and errors per minute in the hours before the baseline (counts only), oldest first. */
  history: { events: number; exposure: number }[];
  baseErrorRate: number;
  medianMs: number;
}

/** The rule's windows, in minutes, as the benchmark lays them out around the deploy. */
export interface WindowPlan {
  /** Minutes of counts-only history before the baseline, which the service's roll-ups would hold. */
  historyMinutes: number;
  baselineMinutes: number;
  analysisMinutes: number;
  intervalMinutes: number;
  earlyFailAfter: number;
}
