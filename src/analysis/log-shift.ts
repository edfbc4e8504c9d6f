/**
 * The typical latency change as a ratio: the Hodges–Lehmann shift of log latency, so exp(shift) is 1.25 when every
 * request is 25 % slower (the additive shift on milliseconds measures that as 0.234 of the median, and a slower tail as
 * almost nothing). Histograms enter as weighted samples of log bucket middles; on a log scale the buckets are evenly
 * spaced, so the pairwise differences are whole multiples of the bucket width and no precision is lost.
 * The interval inverts the Mann–Whitney test on the log values: exact below 50 untied observations per side, otherwise
 * the rank positions of the normal approximation with tie and continuity corrections (mann-whitney.ts). Both are
 * distribution-free under the shift model; the level is stated with the result.
 */
import { AnalysisInputError } from "./analysis-error.ts";
import { mannWhitney, type WeightedSample } from "./mann-whitney.ts";
import { bucketValue, type DenseHistogram } from "../telemetry/latency-histogram.ts";

export interface LogShift {
  /** exp(Hodges–Lehmann shift of log latency): 1.25 = the typical request is 25 % slower. */
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
  /** Two-sided confidence of [ratioLow, ratioHigh]. */
  level: number;
  logShift: number;
  baselineN: number;
  candidateN: number;
  method: string;
}

function logSample(sample: WeightedSample, side: string): WeightedSample {
  const values = sample.values.map((v, i) => {
    if (!(v > 0)) throw new AnalysisInputError("INVALID_INPUT", `${side}: latency ${v} at index ${i} is not positive`);
    return Math.log(v);
  });
  return { values, weights: sample.weights };
}

/** A histogram as a weighted sample of log bucket middles, ascending. */
export function logHistogramSample(h: DenseHistogram): WeightedSample {
  const values: number[] = [], weights: number[] = [];
  for (let b = 0; b < h.length; b++) {
    if (h[b]! > 0) {
      values.push(Math.log(bucketValue(b)));
      weights.push(h[b]!);
    }
  }
  return { values, weights };
}

// Hodges–Lehmann estimate on log latency with the inverted Mann–Whitney interval (Hodges & Lehmann 1963; Bauer 1972).
function shiftOfLogs(baseline: WeightedSample, candidate: WeightedSample, confidence: number): LogShift {
  const r = mannWhitney(baseline, candidate, { alternative: "two-sided", confidence });
  return {
    ratio: Math.exp(r.shift),
    ratioLow: Math.exp(r.shiftLow),
    ratioHigh: Math.exp(r.shiftHigh),
    level: confidence,
    logShift: r.shift,
    baselineN: r.baselineN,
    candidateN: r.candidateN,
    method: `Hodges–Lehmann shift of log latency with the ${r.method} Mann–Whitney interval`,
  };
}

/** Latencies (ms) as weighted samples: raw points with weight 1, or bucket values with counts. */
export function logShift(baseline: WeightedSample, candidate: WeightedSample, confidence = 0.95): LogShift {
  return shiftOfLogs(logSample(baseline, "baseline"), logSample(candidate, "candidate"), confidence);
}

export function histogramLogShift(baseline: DenseHistogram, candidate: DenseHistogram, confidence = 0.95): LogShift {
  return shiftOfLogs(logHistogramSample(baseline), logHistogramSample(candidate), confidence);
}
