import { describe, expect, it } from "vitest";
import { histogramLogShift } from "../../../src/analysis/log-shift.ts";
import { exceedanceSeries, exceedanceThreshold, thresholdMs } from "../../../src/analysis/sequential/latency-evidence.ts";
import { describeLatency } from "../../../src/analysis/sequential/latency-stats.ts";
import type { SequentialResult } from "../../../src/analysis/sequential/sequential-types.ts";
import { bucketOf, BUCKETS, emptyDense, type DenseHistogram } from "../../../src/telemetry/latency-histogram.ts";
import { seededSampler } from "../../support/seeded-sampler.ts";

function lognormalMinutes(seed: number, minutes: number, perMinute: number, medianMs: number): DenseHistogram[] {
  const rng = seededSampler(seed);
  return Array.from({ length: minutes }, () => {
    const h = emptyDense();
    for (let i = 0; i < perMinute; i++) h[bucketOf(medianMs * Math.exp(0.5 * rng.normal()))]! += 1;
    return h;
  });
}

const rateResult: SequentialResult = {
  status: "fail",
  design: "before_deploy",
  designReason: "under a day of history",
  lowAssurance: true,
  minutesUsed: 10,
  maxMinutes: 120,
  nextLookMinutes: null,
  stats: {
    method: "group-sequential log rate ratio",
    baselineValue: 0.05,
    candidateValue: 0.2,
    baselineN: 60000,
    candidateN: 3000,
    absoluteChange: 0.15,
    relativeChange: 3,
    ciLow: 2.5,
    ciHigh: 3.5,
    pValue: 1e-9,
    details: { z: 9.1 },
  },
  intervalLevel: 0.9,
};

describe("describeLatency: what a latency verdict shows", () => {
  const before = lognormalMinutes(1, 60, 200, 80);
  const baseline = emptyDense();
  for (const h of before) for (let b = 0; b < BUCKETS; b++) baseline[b]! += h[b]!;
  const k = exceedanceThreshold(baseline);
  const after = lognormalMinutes(2, 20, 300, 100);
  const evidence = {
    exceed: { history: exceedanceSeries(before, k), historyStart: 0, candidate: exceedanceSeries(after, k), candidateStart: 3_600_000 },
    thresholdMs: thresholdMs(k, BUCKETS),
    baseline,
    candidateMinutes: after,
  };
  const r = describeLatency(rateResult, evidence);

  it("reports the typical change as the log-scale Hodges–Lehmann ratio at the decisive look, at 95 %", () => {
    const window = emptyDense();
    for (const h of after.slice(0, 10)) for (let b = 0; b < BUCKETS; b++) window[b]! += h[b]!;
    const hl = histogramLogShift(baseline, window, 0.95);
    expect(r.intervalLevel).toBe(0.95);
    expect(r.stats.relativeChange).toBeCloseTo(hl.ratio - 1, 12);
    // Widened by half a bucket each way: latencies are stored to ±2.5 %.
    expect(r.stats.ciLow).toBeCloseTo(hl.ratioLow / Math.sqrt(1.05) - 1, 12);
    expect(r.stats.ciHigh).toBeCloseTo(hl.ratioHigh * Math.sqrt(1.05) - 1, 12);
    expect(r.stats.relativeChange).toBeGreaterThan(0.2);
    expect(r.stats.relativeChange).toBeLessThan(0.3);
    expect(r.stats.candidateN).toBe(3000);
  });

  it("shows medians as the values, the p95 ratio and both exceedance shares in the details", () => {
    expect(r.stats.baselineValue).toBeGreaterThan(76);
    expect(r.stats.baselineValue).toBeLessThan(84);
    const d = r.stats.details;
    expect(d.p95Ratio).toBeCloseTo(d.candidateP95! / d.baselineP95!, 12);
    expect(d.p95Low).toBeLessThan(1.25);
    expect(d.p95High).toBeGreaterThan(1.25);
    expect(d.exceedBaseline).toBeLessThanOrEqual(0.05);
    expect(d.exceedCandidate).toBeGreaterThan(0.1);
    expect(d.thresholdMs).toBe(evidence.thresholdMs);
    expect(d.z).toBe(9.1);
  });

  it("keeps the rate engine's status, look and p-value", () => {
    expect([r.status, r.minutesUsed, r.stats.pValue, r.lowAssurance]).toEqual(["fail", 10, 1e-9, true]);
  });

  it("on a result without candidate requests, keeps its status and shows only the typical latency before", () => {
    const nodata = { ...rateResult, status: "nodata" as const, minutesUsed: 0 };
    const shown = describeLatency(nodata, evidence);
    expect(shown.status).toBe("nodata");
    expect(shown.stats.candidateN).toBe(0);
    expect(Number.isNaN(shown.stats.candidateValue)).toBe(true);
    expect(shown.stats.baselineValue).toBeGreaterThan(76);
    expect(shown.stats.baselineValue).toBeLessThan(84);
  });
});
