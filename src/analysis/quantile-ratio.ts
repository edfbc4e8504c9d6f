/**
 * The p95 (or any quantile) of a latency histogram with a distribution-free interval, and the candidate/baseline ratio.
 * - estimate: the bucket holding the lower q-quantile, interpolated log-linearly inside it (buckets are ±2.5 %).
 * - interval: order statistics X(r) ≤ ξq ≤ X(s) with ranks from Binomial(n, q), each tail at most α/2, so the coverage
 *   is at least the level whatever the distribution. A histogram knows an order statistic only to its bucket, so the
 *   bounds are the outer edges of the buckets holding X(r) and X(s): wider, never narrower.
 * - ratio: candidate / baseline at the estimates; its interval combines the two quantile intervals each at 1 − α/2
 *   (Bonferroni), low = candidate low / baseline high, high = candidate high / baseline low: conservative.
 */
import { binomialCdf, binomialSf } from "./binomial-distribution.ts";
import { bucketValue, type DenseHistogram } from "../telemetry/latency-histogram.ts";

const FLOOR_MS = bucketValue(0);
const GROWTH = bucketValue(2) / bucketValue(1);

/** Bucket b covers (lowerEdge(b), upperEdge(b)]; bucket 0 holds everything at or below the floor, the last all above. */
export function bucketUpperEdge(bucket: number, buckets: number): number {
  return bucket >= buckets - 1 ? Infinity : FLOOR_MS * GROWTH ** bucket;
}

export function bucketLowerEdge(bucket: number): number {
  return bucket <= 0 ? 0 : FLOOR_MS * GROWTH ** (bucket - 1);
}

export interface QuantileInterval {
  q: number;
  value: number;
  low: number;
  high: number;
  /** Ranks (1-based) of the order statistics behind low and high; 0 / n + 1 when the data cannot bound that side. */
  rankLow: number;
  rankHigh: number;
  n: number;
  level: number;
}

export interface QuantileRatio {
  baseline: QuantileInterval;
  candidate: QuantileInterval;
  ratio: number;
  low: number;
  high: number;
  level: number;
  method: string;
}

function largestInteger(lo: number, hi: number, ok: (k: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Distribution-free order-statistic interval for a quantile (Hahn & Meeker 1991, Statistical Intervals, §5.2).
export function orderStatisticRanks(n: number, q: number, confidence: number): { rankLow: number; rankHigh: number } {
  const tail = (1 - confidence) / 2;
  // P(X(r) > ξq) = P(B ≤ r − 1) and P(X(s) < ξq) = P(B ≥ s) for B ~ Binomial(n, q).
  const rankLow = largestInteger(0, n, (r) => r === 0 || binomialCdf(r - 1, n, q) <= tail);
  const rankHigh = n + 1 - largestInteger(0, n, (k) => k === 0 || binomialSf(n + 1 - k, n, q) <= tail);
  return { rankLow, rankHigh };
}

/** The bucket holding the k-th smallest request (1-based). */
function bucketOfRank(h: DenseHistogram, k: number): number {
  let seen = 0;
  for (let b = 0; b < h.length; b++) {
    seen += h[b]!;
    if (h[b]! > 0 && seen >= k) return b;
  }
  return h.length - 1;
}

function interpolatedQuantile(h: DenseHistogram, q: number, n: number): number {
  const target = q * n;
  let below = 0;
  for (let b = 0; b < h.length; b++) {
    if (h[b]! > 0 && below + h[b]! >= target) {
      const fraction = Math.min(1, Math.max(0, (target - below) / h[b]!));
      return b === 0 ? FLOOR_MS : bucketLowerEdge(b) * GROWTH ** fraction;
    }
    below += h[b]!;
  }
  return bucketValue(h.length - 1);
}

/** The q-quantile of a histogram of whole counts with its interval; undefined when the histogram is empty. */
export function quantileInterval(h: DenseHistogram, q: number, confidence: number): QuantileInterval | undefined {
  let n = 0;
  for (const c of h) n += c;
  if (n === 0) return undefined;
  const { rankLow, rankHigh } = orderStatisticRanks(Math.round(n), q, confidence);
  return {
    q,
    value: interpolatedQuantile(h, q, n),
    low: rankLow === 0 ? 0 : bucketLowerEdge(bucketOfRank(h, rankLow)),
    high: rankHigh > n ? Infinity : bucketUpperEdge(bucketOfRank(h, rankHigh), h.length),
    rankLow,
    rankHigh,
    n,
    level: confidence,
  };
}

/** The candidate/baseline ratio of a quantile (0.95: the p95 ratio); undefined when either histogram is empty. */
export function quantileRatio(baseline: DenseHistogram, candidate: DenseHistogram, q = 0.95, confidence = 0.95): QuantileRatio | undefined {
  const each = 1 - (1 - confidence) / 2;
  const b = quantileInterval(baseline, q, each), c = quantileInterval(candidate, q, each);
  if (!b || !c) return undefined;
  return {
    baseline: b,
    candidate: c,
    ratio: c.value / b.value,
    low: b.high === Infinity ? 0 : c.low / b.high,
    high: b.low === 0 ? Infinity : c.high / b.low,
    level: confidence,
    method: `q${q} ratio: order-statistic intervals (Hahn & Meeker) at ${each} each, Bonferroni-combined`,
  };
}
