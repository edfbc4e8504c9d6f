/**
 * The shared shapes of the sequential verdict engine (issue 11). Pure data: the evaluator reads stored telemetry into
 * these, the benchmark simulates them, and src/analysis/sequential/* judges them. Two phases per signal:
 *   1. fit a baseline model once per release from the history before the deploy (forecast, wander τ²(t), host ratio ρ);
 *   2. judge the candidate minutes so far: every look from the first up to the data there is, stopping at the first
 *      decisive one, so a replayed deploy is judged exactly as a live one would have been.
 */
import type { Direction, EffectFloor, SignalStats } from "../signal-result.ts";

/** One minute of a rate signal: events (errors, or requests slower than the pre-deploy p95) out of exposure (requests). */
export interface MinuteCounts {
  events: number;
  exposure: number;
}

/** When the looks happen and how long a window may grow. */
export interface LookPlan {
  /** No decision before this many minutes of candidate data (10). */
  firstLookMinutes: number;
  /** Minutes between looks: 5 for before/after and forecast designs, 1 for a concurrent comparison. */
  lookEveryMinutes: number;
  /** The maximum window is where the baseline predicts about this many events (100), clamped to [min, max]. */
  eventsAtMax: number;
  minMaxMinutes: number;
  /** 240 for error rates, 120 for latency. */
  maxMaxMinutes: number;
}

export interface SequentialSettings {
  direction: Direction;
  fail: EffectFloor;
  warn?: EffectFloor | undefined;
  /** The rise a pass must rule out (default: 2× the fail floor's relative part for errors, as the rule says). */
  detect: EffectFloor;
  /** Fewer requests than this in the candidate window count as no data yet. */
  minSamples: number;
  /** This signal's share of the release's false-fail budget (0.005 each for two critical signals). */
  alpha: number;
  /** Miss budget at the detect floor (0.05): a pass must rule out the detect floor at 1 − beta. */
  beta: number;
  plan: LookPlan;
  /**
   * z boundaries to use instead of the calibrated table (the calibration itself sets them). With `earlyFailZ` the fail
   * boundary is two-stage: earlyFailZ before `earlyUntilMinutes` (default 30), failZ from then on.
   */
  boundaries?: { failZ: number; passZ: number; earlyFailZ?: number | undefined; earlyUntilMinutes?: number | undefined } | undefined;
}

/**
 * Everything a rate signal is judged on. Dense per-minute arrays, oldest first; silent minutes are {0, 0}.
 * `history` ends at the minute the deploy started; `candidate` starts at the analysis start (the deploy's end).
 */
export interface RateEvidence {
  /** Up to 7 days before the deploy started. */
  history: MinuteCounts[];
  /** Epoch ms of history[0]: places each minute in the daily and weekly cycle (UTC). */
  historyStart: number;
  /** The candidate minutes stored so far (whole minutes only). */
  candidate: MinuteCounts[];
  /** Epoch ms of candidate[0]. */
  candidateStart: number;
  /**
   * Concurrent design: the not-yet-updated hosts (or old-version traffic) over the same minutes as `candidate`, and
   * both groups' own history (≥ 24 h for the difference-in-differences ratio ρ and the group-vs-group wander).
   */
  concurrent?: {
    control: MinuteCounts[];
    candidateHistory: MinuteCounts[];
    controlHistory: MinuteCounts[];
    /** The groups are alike by construction (fresh pods of both versions): ρ = 1 when their history cannot give it. */
    exchangeable?: boolean;
  };
  /** A fixed reference window (week_ago, previous_release, pinned), aligned minute by minute with `candidate`. */
  reference?: MinuteCounts[];
}

/** Which comparison judged a signal. */
export type DesignKind = "concurrent" | "forecast" | "before_deploy" | "reference";

/** How a signal stands after the looks so far. `continue`: not decisive yet, look again; `hold`: undecided at its maximum. */
export type SequentialStatus = "fail" | "warn" | "pass" | "continue" | "hold" | "nodata";

/** How far the rate wanders between a window and its baseline with no release, measured by A/A backtests on history. */
export interface WanderCalibration {
  /** τ² of the log ratio at each window length (index = minutes − 1), beyond Poisson noise. */
  tau2ByMinutes: Float64Array;
  /** A/A pairs behind the estimate and the minutes of history they span. */
  pairs: number;
  historyMinutes: number;
  /** Sorted A/A log ratios at the 30-minute window: "a rise this large appears in about 1 in N unchanged windows". */
  aaLogRatios: Float64Array;
  /** Per window length, 2 / (κ − 1) for the A/A log ratios' kurtosis κ (at most 1): the share of the windows' precision a normal sample would have. */
  kurtosisShare?: Float64Array;
}

/** The result of judging one signal over the looks so far. */
export interface SequentialResult {
  status: SequentialStatus;
  design: DesignKind;
  /** One plain sentence on why this design was used (e.g. the concurrent fallback to the forecast). */
  designReason: string;
  /** Before/after on under a day of history, or a forecast whose wander rests on under 3 days: said in the verdict. */
  lowAssurance: boolean;
  /** The look the status was reached at (minutes of candidate data used), or the data so far when `continue`. */
  minutesUsed: number;
  /** The most minutes this signal may take before it is a hold. */
  maxMinutes: number;
  /** When `continue`: the minute of candidate data at which the next look is due. */
  nextLookMinutes: number | null;
  /** The numbers at `minutesUsed`, in the engine's common shape (intervals at their real level, see intervalLevel). */
  stats: SignalStats;
  /** The confidence of the interval in stats.ciLow/ciHigh (e.g. 0.95), so sentences can print its real level. */
  intervalLevel: number;
  /**
   * How often the service's own history shows a rise at least this large between windows with no release
   * (share of A/A windows; undefined without enough history). "about 1 in N unchanged releases".
   */
  historyFrequency?: number;
  /** Why it is not decided yet, or why it is a hold, in plain words ("only 6 errors so far"). */
  why?: string;
  /** Other environments whose counts of the same version were summed with this one's (rule.pool_environments). */
  pooledWith?: string[];
}
