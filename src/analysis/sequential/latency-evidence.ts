/**
 * Latency as a rate: the requests beyond a threshold fixed before the deploy (the pre-deploy p95), per minute, out of
 * all requests. A count against a fixed threshold can be judged with the rate engine's wander term, which a per-request
 * rank test cannot: the median drifts with load, and thousands of requests per minute are not independent draws.
 * The threshold is the upper edge of the bucket holding the baseline's p95, so "beyond" is exact on histograms; the
 * baseline share beyond it is then at most 5 % (less when that bucket is large).
 */
import type { DenseHistogram } from "../../telemetry/latency-histogram.ts";
import { bucketUpperEdge, quantileRatio } from "../quantile-ratio.ts";
import type { MinuteCounts, RateEvidence, SequentialSettings } from "./sequential-types.ts";

export const EXCEEDANCE_QUANTILE = 0.95;

/** The bucket holding the baseline's lower p95: requests in later buckets exceed it. -1 for an empty baseline. */
export function exceedanceThreshold(baseline: DenseHistogram): number {
  let total = 0;
  for (const c of baseline) total += c;
  if (total === 0) return -1;
  let seen = 0;
  for (let b = 0; b < baseline.length; b++) {
    seen += baseline[b]!;
    if (baseline[b]! > 0 && seen >= EXCEEDANCE_QUANTILE * total * (1 - 1e-12)) return b;
  }
  return baseline.length - 1;
}

/** The threshold in milliseconds: the upper edge of the threshold bucket. */
export function thresholdMs(thresholdBucket: number, buckets: number): number {
  return bucketUpperEdge(thresholdBucket, buckets);
}

export function exceedances(h: DenseHistogram, thresholdBucket: number): MinuteCounts {
  let events = 0, exposure = 0;
  for (let b = 0; b < h.length; b++) {
    exposure += h[b]!;
    if (b > thresholdBucket) events += h[b]!;
  }
  return { events, exposure };
}

export function exceedanceSeries(minutes: readonly DenseHistogram[], thresholdBucket: number): MinuteCounts[] {
  return minutes.map((h) => exceedances(h, thresholdBucket));
}

export interface LatencyEvidence {
  /** Per-minute exceedance counts beyond the threshold, history and candidate, as a RateEvidence (types file). */
  exceed: RateEvidence;
  thresholdMs: number;
  /** The pre-deploy histogram the threshold and the p95 come from, and the candidate's per-minute histograms. */
  baseline: DenseHistogram;
  candidateMinutes: DenseHistogram[];
}

/** The level of the intervals this signal reports (HL ratio and p95 ratio). */
export const LATENCY_INTERVAL_LEVEL = 0.95;

/**
 * Looks come in growing windows: each extends the sum where the last one stopped, adding minutes in the same order as
 * summing from the first minute would, so every window is the same to the bit.
 */
const running = new WeakMap<readonly DenseHistogram[], { minutes: number; sum: Float64Array }>();

/** The candidate's first `minutes` minutes as one histogram (the caller's own copy). */
export function candidateWindow(evidence: LatencyEvidence, minutes: number): DenseHistogram {
  const upTo = Math.min(minutes, evidence.candidateMinutes.length);
  let run = running.get(evidence.candidateMinutes);
  if (!run || run.minutes > upTo || run.sum.length !== evidence.baseline.length) {
    run = { minutes: 0, sum: new Float64Array(evidence.baseline.length) };
    running.set(evidence.candidateMinutes, run);
  }
  const sum = run.sum;
  for (let m = run.minutes; m < upTo; m++) {
    const h = evidence.candidateMinutes[m]!;
    for (let b = 0; b < sum.length; b++) sum[b]! += h[b]!;
  }
  run.minutes = upTo;
  return sum.slice();
}

function total(h: DenseHistogram): number {
  let n = 0;
  for (const c of h) n += c;
  return n;
}

/**
 * The size of the change at a look: the p95 ratio − 1 and the p95 difference in ms, over the first `minutes` candidate
 * minutes. Undefined below `floors.minSamples` candidate requests or without a baseline: no size, no fail.
 */
export function latencySize(
  evidence: LatencyEvidence,
  minutes: number,
  floors: Pick<SequentialSettings, "minSamples">,
): { relative: number; absolute: number } | undefined {
  const window = candidateWindow(evidence, minutes);
  if (total(window) < Math.max(1, floors.minSamples)) return undefined;
  const r = quantileRatio(evidence.baseline, window, 0.95, LATENCY_INTERVAL_LEVEL);
  if (!r) return undefined;
  return { relative: r.ratio - 1, absolute: r.candidate.value - r.baseline.value };
}
