import { expand, tieTerm, type CountedSample } from "./counted-sample.ts";
import { differenceQuantile } from "./difference-selection.ts";
import { normalQuantile } from "./normal-distribution.ts";
import { continuityCorrection, rankSumAtShift, rankSumSigma } from "./rank-sum-statistic.ts";
import type { Alternative } from "./rate-test.ts";
import { wilcoxonDistribution, wilcoxonQuantile } from "./wilcoxon-exact-distribution.ts";
import { zeroin } from "./zeroin-root-finder.ts";

export interface ShiftInterval {
  low: number;
  high: number;
}

/** The normal quantile behind each bound: the lower bound solves z = +zq, the upper z = −zq; one-sided have one bound. */
function quantiles(alternative: Alternative, confidence: number): { lower?: number; upper?: number } {
  const alpha = 1 - confidence;
  if (alternative === "greater") return { lower: -normalQuantile(alpha) };
  if (alternative === "less") return { upper: normalQuantile(alpha) };
  return { lower: -normalQuantile(alpha / 2), upper: normalQuantile(alpha / 2) };
}

// Exact interval: order statistics of the pairwise differences at the qwilcox rank (Bauer 1972; R's wilcox.test, exact case).
export function exactShiftInterval(candidate: CountedSample, baseline: CountedSample, alternative: Alternative, confidence: number): ShiftInterval {
  const x = expand(candidate), y = expand(baseline);
  const diffs = Float64Array.from(x.flatMap((xi) => y.map((yj) => xi - yj))).sort();
  const mn = x.length * y.length;
  const dist = wilcoxonDistribution(x.length, y.length);
  const alpha = 1 - confidence;
  const qu = Math.max(1, wilcoxonQuantile(dist, alternative === "two-sided" ? alpha / 2 : alpha));
  return {
    low: alternative === "less" ? -Infinity : diffs[qu - 1]!,
    high: alternative === "greater" ? Infinity : diffs[mn - qu]!,
  };
}

/** R's wdiff: the continuity-corrected z statistic of (candidate − d) against baseline, minus zq. */
export function shiftedZ(candidate: CountedSample, baseline: CountedSample, alternative: Alternative, correct: boolean) {
  const nx = candidate.total, ny = baseline.total;
  return (d: number, zq: number): number => {
    const { u, tieTerm: ties } = rankSumAtShift(candidate, baseline, d);
    const dz = u - nx * ny / 2;
    return (dz - continuityCorrection(dz, alternative, correct)) / rankSumSigma(nx, ny, ties) - zq;
  };
}

// Asymptotic interval as R computes it: uniroot (Brent, tol 1e-4) on the corrected z statistic of the shifted sample (R's wilcox.test).
export function rootShiftInterval(
  candidate: CountedSample,
  baseline: CountedSample,
  alternative: Alternative,
  confidence: number,
  correct: boolean,
): ShiftInterval {
  const muMin = candidate.values[0]! - baseline.values[baseline.values.length - 1]!;
  const muMax = candidate.values[candidate.values.length - 1]! - baseline.values[0]!;
  if (muMin === muMax) return { low: muMin, high: muMax };
  const z = shiftedZ(candidate, baseline, alternative, correct);
  const root = (zq: number): number => {
    const fLower = z(muMin, zq), fUpper = z(muMax, zq);
    if (fLower <= 0) return muMin;
    if (fUpper >= 0) return muMax;
    return zeroin((d) => z(d, zq), muMin, muMax, fLower, fUpper, { tolerance: 1e-4, maxIterations: 1000 });
  };
  const q = quantiles(alternative, confidence);
  return { low: q.lower === undefined ? -Infinity : root(q.lower), high: q.upper === undefined ? Infinity : root(q.upper) };
}

// Asymptotic interval by rank position: the jump points of R's z statistic, by selection, no root finder (Lehmann 1975, Nonparametrics, ch. 2).
export function rankPositionShiftInterval(
  candidate: CountedSample,
  baseline: CountedSample,
  alternative: Alternative,
  confidence: number,
  correct: boolean,
): ShiftInterval {
  const nx = candidate.total, ny = baseline.total, pairs = nx * ny;
  const sigma = rankSumSigma(nx, ny, tieTerm(candidate) + tieTerm(baseline));
  const half = correct ? 0.5 : 0;
  // Between jumps the z statistic is positive while the pair weight above d exceeds pairs/2 ± ½ + zq·σ.
  const bound = (zq: number, correction: number): number => {
    const threshold = pairs / 2 + correction + zq * sigma;
    return differenceQuantile(candidate, baseline, pairs - threshold, false);
  };
  const q = quantiles(alternative, confidence);
  return {
    low: q.lower === undefined ? -Infinity : bound(q.lower, half),
    high: q.upper === undefined ? Infinity : bound(q.upper, -half),
  };
}
