/**
 * A release that keeps the median but widens the spread (more slow requests) passes a Mann–Whitney test (Kayenta
 * issue #780). This test counts what users feel instead: the share of requests beyond the baseline's q-quantile.
 * - threshold: the baseline's lower q-quantile (the smallest value with at least q of the baseline at or below it);
 *   both sides count observations STRICTLY above it, so ties at the threshold never count as slow.
 * - histograms: the threshold is then a bucket value and the whole threshold bucket counts as "not above", so the
 *   baseline share above can sit well under 1 − q (e.g. 3 % instead of 5 % when that bucket holds 4 %). Both sides are
 *   measured against the same value, so the comparison stays fair; the real shares are reported. Both histograms must
 *   use the same bucket values, or "above the threshold" means different things on each side.
 * - counts: the shares are compared with the exact conditional test of compareRates (events = observations beyond the
 *   threshold, exposure = sample size); weights must be whole counts. Calibrated on the threshold's own noise only
 *   while the baseline has about five or more observations beyond it.
 * - alternative "greater": the upper tail grew; "less": it shrank; "two-sided" is the spread test: share above the
 *   q-quantile and share below the (1 − q)-quantile, each tested for growth, the smaller p-value doubled (Bonferroni).
 */
import { AnalysisInputError } from "./analysis-error.ts";
import { toCountedSample, type CountedSample } from "./counted-sample.ts";
import type { WeightedSample } from "./mann-whitney.ts";
import { compareRates, type Alternative } from "./rate-test.ts";

export interface TailShare {
  side: "upper" | "lower";
  /** Baseline q-quantile (upper) or (1 − q)-quantile (lower). */
  threshold: number;
  /** Share strictly beyond the threshold (above it for "upper", below it for "lower"). */
  baselineShare: number;
  candidateShare: number;
  /** candidateShare / baselineShare with its confidence interval; ∞ when only the candidate has a tail. */
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
  /** This tail's own p-value, before any combination. */
  pValue: number;
}

/** The tail with the smallest p-value, its p-value combined over all tested tails, and every tail tested. */
export interface TailTestResult extends TailShare {
  method: string;
  tails: TailShare[];
}

interface TailTestOptions {
  /** e.g. 0.95: the tail is the slowest 5 % of the baseline. */
  quantile: number;
  alternative: Alternative;
  confidence: number;
}

const EXACT = "exact conditional test of the share beyond the baseline's quantile";

function mirrored(sample: CountedSample): CountedSample {
  return { ...sample, values: sample.values.map((v) => -v).reverse(), counts: sample.counts.slice().reverse() };
}

// Lower (type 1) quantile of a counted sample: the first value whose cumulative count reaches q of the total.
function upperTail(base: CountedSample, cand: CountedSample, quantile: number): { threshold: number; baselineAbove: number; candidateAbove: number } {
  const target = quantile * base.total * (1 - 1e-12);
  let cumulative = 0, at = base.values.length - 1;
  for (let i = 0; i < base.values.length; i++) {
    cumulative += base.counts[i]!;
    if (cumulative >= target) {
      at = i;
      break;
    }
  }
  const threshold = base.values[at]!;
  let candidateAbove = 0;
  cand.values.forEach((v, i) => {
    if (v > threshold) candidateAbove += cand.counts[i]!;
  });
  return { threshold, baselineAbove: base.total - cumulative, candidateAbove };
}

function tailShare(side: TailShare["side"], base: CountedSample, cand: CountedSample, quantile: number, alternative: Alternative, confidence: number): TailShare {
  const flip = side === "lower";
  const tail = upperTail(flip ? mirrored(base) : base, flip ? mirrored(cand) : cand, quantile);
  const rates = compareRates({
    baselineEvents: Math.round(tail.baselineAbove),
    baselineExposure: base.total,
    candidateEvents: Math.round(tail.candidateAbove),
    candidateExposure: cand.total,
    alternative,
    confidence,
  });
  return {
    side,
    threshold: flip ? -tail.threshold : tail.threshold,
    baselineShare: rates.baselineRate,
    candidateShare: rates.candidateRate,
    ratio: rates.ratio,
    ratioLow: rates.ratioLow,
    ratioHigh: rates.ratioHigh,
    pValue: rates.pValue,
  };
}

// Exceedance-share test: exact conditional binomial test of the share beyond a baseline quantile (Przyborowski & Wilenski 1940), two tails Bonferroni-combined for spread (Bonferroni 1936).
export function tailTest(baseline: number[] | WeightedSample, candidate: number[] | WeightedSample, options: TailTestOptions): TailTestResult {
  const { quantile, alternative, confidence } = options;
  if (!(quantile > 0.5 && quantile < 1)) throw new AnalysisInputError("INVALID_INPUT", `quantile must be in (0.5, 1), got ${quantile}`);
  const base = toCountedSample(baseline, "baseline");
  const cand = toCountedSample(candidate, "candidate");
  if (!base.integral || !cand.integral) throw new AnalysisInputError("INVALID_INPUT", "the tail test counts observations: weights must be whole numbers");
  if (alternative !== "two-sided") {
    const upper = tailShare("upper", base, cand, quantile, alternative, confidence);
    return { ...upper, method: `${EXACT} (${quantile})`, tails: [upper] };
  }
  const perTail = 1 - (1 - confidence) / 2;
  const tails = [tailShare("upper", base, cand, quantile, "greater", perTail), tailShare("lower", base, cand, quantile, "greater", perTail)];
  const worst = tails[0]!.pValue <= tails[1]!.pValue ? tails[0]! : tails[1]!;
  return {
    ...worst,
    pValue: Math.min(1, 2 * worst.pValue),
    method: `spread: ${EXACT} (${quantile}) and below its ${Number((1 - quantile).toPrecision(10))} quantile, Bonferroni over both tails`,
    tails,
  };
}
