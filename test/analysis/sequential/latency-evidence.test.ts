import { describe, expect, it } from "vitest";
import { quantileRatio } from "../../../src/analysis/quantile-ratio.ts";
import {
  candidateWindow,
  exceedanceSeries,
  exceedanceThreshold,
  exceedances,
  latencySize,
  thresholdMs,
  type LatencyEvidence,
} from "../../../src/analysis/sequential/latency-evidence.ts";
import { bucketOf, bucketValue, BUCKETS, emptyDense, type DenseHistogram } from "../../../src/telemetry/latency-histogram.ts";

function dense(counts: Record<number, number>): DenseHistogram {
  const h = emptyDense();
  for (const [b, c] of Object.entries(counts)) h[Number(b)] = c;
  return h;
}

// 100 requests: 90 in bucket 150, 6 in 160, 4 in 170. The p95 (95th request) is in bucket 160.
const baseline = dense({ 150: 90, 160: 6, 170: 4 });

function evidence(candidateMinutes: DenseHistogram[]): LatencyEvidence {
  const k = exceedanceThreshold(baseline);
  return {
    exceed: { history: [exceedances(baseline, k)], historyStart: 0, candidate: exceedanceSeries(candidateMinutes, k), candidateStart: 60_000 },
    thresholdMs: thresholdMs(k, BUCKETS),
    baseline,
    candidateMinutes,
  };
}

describe("exceedance threshold and counts", () => {
  it("puts the threshold at the upper edge of the bucket holding the pre-deploy p95", () => {
    expect(exceedanceThreshold(baseline)).toBe(160);
    const edge = thresholdMs(160, BUCKETS);
    expect(bucketOf(edge)).toBe(160);
    expect(bucketOf(edge * 1.000001)).toBe(161);
    expect(edge / bucketValue(160)).toBeCloseTo(Math.sqrt(1.05), 12);
  });

  it("counts exactly the requests in buckets above the threshold, out of all requests", () => {
    expect(exceedances(baseline, 160)).toEqual({ events: 4, exposure: 100 });
    expect(exceedances(dense({ 100: 7, 160: 5, 161: 2, 300: 1 }), 160)).toEqual({ events: 3, exposure: 15 });
  });

  it("treats an exact p95 boundary as not beyond, as the lower quantile does", () => {
    // 95 of 100 at or below bucket 160: the 95th request closes bucket 160, the 5 above it exceed.
    const h = dense({ 150: 90, 160: 5, 170: 5 });
    expect(exceedanceThreshold(h)).toBe(160);
    expect(exceedances(h, 160).events).toBe(5);
  });

  it("has no threshold for an empty baseline", () => {
    expect(exceedanceThreshold(emptyDense())).toBe(-1);
  });
});

describe("latencySize: the p95 ratio at a look", () => {
  const minute = dense({ 150: 45, 165: 3, 175: 2 });
  const e = evidence([minute, minute, minute]);

  it("sums the candidate minutes up to the look", () => {
    expect(Array.from(candidateWindow(e, 2)).reduce((a, b) => a + b, 0)).toBe(100);
    expect(candidateWindow(e, 99)[175]).toBe(6);
  });

  it("reports the p95 ratio − 1 and the p95 difference in ms", () => {
    const window = candidateWindow(e, 2);
    const r = quantileRatio(baseline, window)!;
    const size = latencySize(e, 2, { minSamples: 50 })!;
    expect(size.relative).toBeCloseTo(r.ratio - 1, 12);
    expect(size.absolute).toBeCloseTo(r.candidate.value - r.baseline.value, 12);
    // candidate p95 sits in bucket 165, five buckets (×1.05^5) above the baseline's in bucket 160.
    expect(size.relative).toBeGreaterThan(1.05 ** 4 - 1);
    expect(size.relative).toBeLessThan(1.05 ** 6 - 1);
  });

  it("gives no size below the minimum number of candidate requests", () => {
    expect(latencySize(e, 1, { minSamples: 51 })).toBeUndefined();
    expect(latencySize(e, 2, { minSamples: 51 })).toBeDefined();
    expect(latencySize(evidence([]), 10, { minSamples: 0 })).toBeUndefined();
  });
});
