import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../src/analysis/analysis-error.ts";
import { histogramLogShift, logShift } from "../../src/analysis/log-shift.ts";
import { rawSample } from "../../src/analysis/classify-distribution.ts";
import { bucketOf, emptyDense, type DenseHistogram } from "../../src/telemetry/latency-histogram.ts";
import { seededSampler } from "../support/seeded-sampler.ts";
import { expectAbsolute, readFixture } from "./reference-fixtures.ts";

interface ShiftCase {
  name: string;
  kind: "raw" | "histogram";
  baseline: number[] | Record<string, number>;
  candidate: number[] | Record<string, number>;
  confidence: number;
  expected: { logShift: number; logLow: number; logHigh: number };
}

const { logShift: cases } = readFixture<{ logShift: ShiftCase[] }>("stats/latency-sequential.json");

function dense(counts: Record<string, number>): DenseHistogram {
  const h = emptyDense();
  for (const [b, c] of Object.entries(counts)) h[Number(b)] = c;
  return h;
}

function lognormalHistogram(seed: number, n: number, medianMs: number, sd: number): DenseHistogram {
  const rng = seededSampler(seed), h = emptyDense();
  for (let i = 0; i < n; i++) h[bucketOf(medianMs * Math.exp(sd * rng.normal()))]! += 1;
  return h;
}

describe("log-scale Hodges–Lehmann shift against the scipy / brute-force reference", () => {
  for (const c of cases) {
    it(`matches ${c.name}`, () => {
      const r = c.kind === "raw"
        ? logShift(rawSample(c.baseline as number[]), rawSample(c.candidate as number[]), c.confidence)
        : histogramLogShift(dense(c.baseline as Record<string, number>), dense(c.candidate as Record<string, number>), c.confidence);
      expectAbsolute(r.logShift, c.expected.logShift, 1e-9, "shift");
      expectAbsolute(Math.log(r.ratioLow), c.expected.logLow, 1e-9, "low");
      expectAbsolute(Math.log(r.ratioHigh), c.expected.logHigh, 1e-9, "high");
      expect(r.level).toBe(c.confidence);
    });
  }
});

describe("log-scale Hodges–Lehmann shift", () => {
  it("equals the median of all weighted pairwise log differences by brute force", () => {
    const base = { values: [10, 12, 15, 40], weights: [3, 1, 2, 1] };
    const cand = { values: [11, 14, 30, 90], weights: [2, 2, 1, 1] };
    const diffs: number[] = [];
    cand.values.forEach((x, i) => base.values.forEach((y, j) => {
      for (let k = 0; k < cand.weights[i]! * base.weights[j]!; k++) diffs.push(Math.log(x) - Math.log(y));
    }));
    diffs.sort((a, b) => a - b);
    const mid = diffs.length / 2;
    const median = diffs.length % 2 ? diffs[Math.floor(mid)]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
    expect(logShift(base, cand).logShift).toBeCloseTo(median, 12);
  });

  it("measures an all-25 %-slower release as a ratio of about 1.25, where the additive shift reads about 0.23", () => {
    const base = lognormalHistogram(11, 20000, 80, 0.5), cand = lognormalHistogram(12, 20000, 100, 0.5);
    const r = histogramLogShift(base, cand);
    expect(r.ratio).toBeGreaterThan(1.2);
    expect(r.ratio).toBeLessThan(1.3);
    expect(r.ratioLow).toBeLessThan(1.25);
    expect(r.ratioHigh).toBeGreaterThan(1.25);
  });

  it("covers the true ratio in at least 93 % of 300 seeded draws at 95 %", () => {
    let covered = 0;
    for (let i = 0; i < 300; i++) {
      const rng = seededSampler(1000 + i);
      const draw = (n: number, median: number) => rawSample(Array.from({ length: n }, () => median * Math.exp(0.6 * rng.normal())));
      const r = logShift(draw(40, 50), draw(30, 60));
      if (r.ratioLow <= 1.2 && 1.2 <= r.ratioHigh) covered++;
    }
    expect(covered / 300).toBeGreaterThanOrEqual(0.93);
  });

  it("rejects latencies that are not positive", () => {
    expect(() => logShift(rawSample([0, 1, 2]), rawSample([1, 2, 3]))).toThrow(AnalysisInputError);
  });
});
