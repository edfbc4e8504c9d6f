import { AnalysisInputError } from "./analysis-error.ts";
import { toCountedSample, type CountedSample } from "./counted-sample.ts";
import { differenceMedian } from "./difference-selection.ts";
import { normalCdf } from "./normal-distribution.ts";
import { continuityCorrection, rankSumAtShift, rankSumSigma } from "./rank-sum-statistic.ts";
import type { Alternative } from "./rate-test.ts";
import { exactShiftInterval, rankPositionShiftInterval, rootShiftInterval, type ShiftInterval } from "./shift-interval.ts";
import { wilcoxonCdf, wilcoxonDistribution, wilcoxonSf } from "./wilcoxon-exact-distribution.ts";

/** weights are counts (a histogram: value = bucket representative, weight = how many); all ≥ 0, need not be whole. */
export interface WeightedSample {
  values: number[];
  weights: number[];
}

export interface MannWhitneyResult {
  /** U of the candidate over the baseline (R's W); "greater" means the candidate tends to be larger. */
  u: number;
  /** Continuity- and tie-corrected z of U (also reported when the p-value is exact). */
  z: number;
  pValue: number;
  /** Hodges–Lehmann estimate of candidate − baseline and its confidence interval (one-sided for one-sided alternatives). */
  shift: number;
  shiftLow: number;
  shiftHigh: number;
  baselineN: number;
  candidateN: number;
  method: "exact" | "normal";
}

export interface MannWhitneyOptions {
  alternative: Alternative;
  confidence: number;
  /** Continuity correction of the normal approximation, as R's correct = TRUE (the default). */
  correct?: boolean;
}

// R's rule: the exact null distribution when both samples are below 50 and nothing is tied.
function exactApplies(candidate: CountedSample, baseline: CountedSample, pooledTies: number): boolean {
  return candidate.integral && baseline.integral && candidate.total < 50 && baseline.total < 50 && pooledTies === 0;
}

function exactPValue(u: number, candidate: CountedSample, baseline: CountedSample, alternative: Alternative): number {
  const dist = wilcoxonDistribution(candidate.total, baseline.total);
  if (alternative === "greater") return wilcoxonSf(dist, u);
  if (alternative === "less") return wilcoxonCdf(dist, u);
  const p = u > dist.m * dist.n / 2 ? wilcoxonSf(dist, u) : wilcoxonCdf(dist, u);
  return Math.min(1, 2 * p);
}

function normalPValue(z: number, alternative: Alternative): number {
  if (alternative === "greater") return normalCdf(-z);
  if (alternative === "less") return normalCdf(z);
  return 2 * Math.min(normalCdf(z), normalCdf(-z));
}

/**
 * Mann–Whitney U test of candidate against baseline with the Hodges–Lehmann shift, reproducing R's
 * wilcox.test(candidate, baseline, conf.int = TRUE, correct = TRUE). Interval, by case:
 * - exact (both n < 50, no ties, whole counts): R's exact interval;
 * - two plain arrays: R's asymptotic interval, root-finding included (Brent, absolute tolerance 1e-4), so bounds equal
 *   R's to ~1e-12 but sit within 1e-4 of the true jump points; rescale data whose differences are below ~1e-3;
 * - any WeightedSample: the exact jump points of R's z statistic by selection (what R's root approximates), O((m+k)·log).
 * shift is always the median of the pairwise differences; R's asymptotic estimate is a 1e-4 root of the same median.
 */
// Wilcoxon–Mann–Whitney rank-sum test with tie and continuity corrections (Hollander & Wolfe 1999, §4.1; R's wilcox.test).
export function mannWhitney(baseline: number[] | WeightedSample, candidate: number[] | WeightedSample, options: MannWhitneyOptions): MannWhitneyResult {
  const { alternative, confidence } = options;
  const correct = options.correct ?? true;
  if (!(confidence > 0 && confidence < 1)) throw new AnalysisInputError("INVALID_INPUT", `confidence must be in (0, 1), got ${confidence}`);
  const base = toCountedSample(baseline, "baseline");
  const cand = toCountedSample(candidate, "candidate");
  const nx = cand.total, ny = base.total;
  const { u, tieTerm } = rankSumAtShift(cand, base, 0);
  const sigma = rankSumSigma(nx, ny, tieTerm);
  const dz = u - nx * ny / 2;
  const z = sigma > 0 ? (dz - continuityCorrection(dz, alternative, correct)) / sigma : 0;
  const exact = exactApplies(cand, base, tieTerm);
  const pValue = sigma === 0 ? 1 : exact ? exactPValue(u, cand, base, alternative) : normalPValue(z, alternative);
  let interval: ShiftInterval;
  if (exact) interval = exactShiftInterval(cand, base, alternative, confidence);
  else if (Array.isArray(baseline) && Array.isArray(candidate)) interval = rootShiftInterval(cand, base, alternative, confidence, correct);
  else interval = rankPositionShiftInterval(cand, base, alternative, confidence, correct);
  return {
    u,
    z,
    pValue,
    shift: differenceMedian(cand, base),
    shiftLow: interval.low,
    shiftHigh: interval.high,
    baselineN: ny,
    candidateN: nx,
    method: exact ? "exact" : "normal",
  };
}
