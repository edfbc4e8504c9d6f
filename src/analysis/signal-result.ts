export type Direction = "increase" | "decrease" | "either";
export type NoDataPolicy = "pass" | "hold" | "fail";
export type Classification = "pass" | "high" | "low" | "nodata";
export type CheckStatus = "pass" | "warn" | "fail" | "nodata" | "error";

export interface EffectFloor {
  relative: number;
  absolute: number;
}

export interface SignalSettings {
  direction: Direction;
  fail: EffectFloor;
  warn?: EffectFloor | undefined;
  /** The rise a quiet pass must rule out (default: the fail floor); bigger than the floor, it trades holds for assurance. */
  detect?: EffectFloor | undefined;
  limit?: number | undefined;
  minSamples: number;
  confidence: number;
  /** How many minutes the candidate window covers so far: turns "too little data" into "need about N more minutes". */
  candidateMinutes?: number;
}

/** What the statistics of one signal found, before the multiple-testing correction and the decision. */
export interface SignalStats {
  method: string;
  baselineValue: number;
  candidateValue: number;
  baselineN: number;
  candidateN: number;
  /** candidate − baseline, in the signal's unit, and as a fraction of the baseline. */
  absoluteChange: number;
  relativeChange: number;
  /** Confidence interval of the effect, as a relative change (ratio − 1 or shift / baseline). */
  ciLow: number;
  ciHigh: number;
  /** One-sided in the bad direction, or two-sided for "either". */
  pValue: number;
  /** Extra numbers for engineers and for sentences (percentiles, counts). */
  details: Record<string, number>;
  /**
   * A second finding inside the same signal (the slow tail of a distribution), with its own Bonferroni-adjusted
   * p-value and effect; pValue above is then the smaller of the two adjusted p-values, and mainPValue the first's.
   */
  tail?: { pValue: number; relativeChange: number; absoluteChange: number };
  mainPValue?: number;
}

export type SignalAnalysis = { kind: "ok"; stats: SignalStats } | { kind: "nodata"; why: string; details: Record<string, number> };
