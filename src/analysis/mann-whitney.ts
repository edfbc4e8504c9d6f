/**
 * Mann–Whitney U test of candidate against baseline with the Hodges–Lehmann shift, numbers as R's
 * wilcox.test(candidate, baseline, conf.int = TRUE, correct = TRUE). Both inputs become sorted distinct values with
 * counts, so a raw array and the histogram of the same data give the same U, p-value and shift.
 * - p-value: exact null distribution when both samples are below 50, have whole counts and nothing is tied (R's rule);
 *   otherwise the normal approximation with tie and continuity corrections.
 * - shift: always the (weighted) median of all pairwise differences candidate − baseline, found by selection in the
 *   implicit sorted difference matrix, never by building it. R's asymptotic estimate is a uniroot (tolerance 1e-4)
 *   on the same statistic: it agrees to ~1e-4, or falls anywhere between the two middle differences when they differ.
 * - interval, exact case: R's exact interval (order statistics at qwilcox).
 * - interval, two plain arrays: R's own algorithm, Brent's root finder included, so bounds match R to ~1e-12 — and
 *   inherit R's absolute tolerance of 1e-4: for data whose pairwise differences are below ~1e-3 (ratios, seconds) the
 *   bounds are then mostly root-finder noise. Rescale such data, or pass it as a WeightedSample.
 * - interval, any WeightedSample: the exact jump points of R's z statistic, i.e. the k-th and (N−k+1)-th weighted
 *   pairwise differences with k from the normal approximation (within-sample tie correction, continuity ½), found by
 *   selection. These are the points R's root finder converges to; they differ from R's printed bounds by at most 1e-4.
 */
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

interface MannWhitneyOptions {
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
