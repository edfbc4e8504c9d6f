/** What one simulated release is: its traffic, the effect the release really has, and the per-minute data it produced. */

export type LatencyEffect =
  | { kind: "none" }
  /** Every request slower by the factor: median and p95 both rise by `rise`. */
  | { kind: "scale"; rise: number }
  /** More requests take the slow path, so p95 rises by `rise` while the median barely moves. */
  | { kind: "tail"; rise: number };

export type TrafficShape = "normal" | "none_after" | "none";

/** A canary: some of the 4 hosts get the new version, the rest keep serving the old one over the same minutes. */
export interface CanarySpec {
  /** Hosts updated first: 1 (25 %) or 2 (50 %). */
  hosts: 1 | 2;
  /** s: share of the error-rate wander variance common to all hosts; the rest wanders independently per host. */
  sharedWander: number;
  /** Fresh old-version pods as the control: hosts are exchangeable (ρ = 1) and the groups have no history of their own. */
  ephemeral: boolean;
}

export interface ReleaseSpec {
  /** Mean requests per minute before the daily cycle and bursts. */
  rpm: number;
  /** The release multiplies the error rate by this from the deploy minute on (on the updated hosts). */
  errorFactor: number;
  latency: LatencyEffect;
  traffic: TrafficShape;
  /** Absent: every host is updated at once (a before/after release). */
  canary?: CanarySpec;
  /** Multipliers from an outside series (a NAB file) for each simulated window minute, baseline first. */
  level?: { latency?: Float64Array; errors?: Float64Array };
}

/** Group 0 is the control (hosts not updated), group 1 the updated hosts; a before/after release has everything in 1. */
export type GroupPair<T> = [T, T];

export interface MinuteAggregate {
  requests: number;
  errors: number;
  /** Latency histogram of the minute in the service's buckets (src/telemetry/latency-histogram.ts), dense; all hosts. */
  hist: Float64Array;
  groupRequests: GroupPair<number>;
  groupErrors: GroupPair<number>;
  groupHist: GroupPair<Float64Array>;
}

/** Counts-only history per group, minute t of group g at index 2t + g; exceedances beyond the pre-deploy p95. */
export interface GroupHistory {
  minutes: number;
  requests: Int32Array;
  errors: Int32Array;
  exceed: Int32Array;
}

export interface SimulatedRelease {
  /** Baseline minutes first, then the analysis minutes; the deploy is at index `deployAt`. */
  minutes: MinuteAggregate[];
  deployAt: number;
  /** The days before the baseline (counts only), oldest first. */
  history: GroupHistory;
  /** The bucket holding the baseline's p95: exceedances count requests in later buckets. -1 without baseline traffic. */
  thresholdBucket: number;
  /** Epoch ms of the first history minute (the daily cycle's phase is placed on the clock from it). */
  historyStart: number;
  /** Share of the requests the updated hosts get (1 for a before/after release). */
  treatedShare: number;
  /** The control group is fresh pods: no history of its own to compare the groups on. */
  ephemeral: boolean;
  baseErrorRate: number;
  medianMs: number;
  /** The updated hosts' errors each window minute had the release changed nothing, without noise (for the ceiling). */
  expectedErrors: Float64Array;
  /** The not-updated hosts' errors each window minute, without noise (0 for a before/after release). */
  expectedControlErrors: Float64Array;
  /** The updated hosts' requests each window minute, without noise. */
  expectedRequests: Float64Array;
  /** What a before/after oracle may know of each baseline and window minute (for the before/after ceiling). */
  wanderPath: WanderPath;
}

/**
 * The error rate's shared wander, minute by minute, and the updated hosts' expected errors given their real requests
 * but without the wander or the release's effect: the minute's mean is `unwandered × exp(slow + fast − logMeanFix) ×
 * burst` when the wander is all shared (s = 1, every before/after release).
 */
export interface WanderPath {
  slow: Float64Array;
  fast: Float64Array;
  burst: Float64Array;
  unwandered: Float64Array;
  logMeanFix: number;
  rho: { slow: number; fast: number };
  sd: { slow: number; fast: number };
}

/** How the benchmark lays windows out around the deploy, in minutes. */
export interface WindowPlan {
  baselineMinutes: number;
  /** Window minutes simulated after the deploy: the longest maximum any signal may use (errors: 240). */
  analysisMinutes: number;
  /** Window minutes with latency drawn request by request (latency: at most 120). */
  latencyMinutes: number;
  /** The fixed-window judges (static, Kayenta-style): their window, check interval and early-fail streak. */
  fixedMinutes: number;
  intervalMinutes: number;
  earlyFailAfter: number;
}
