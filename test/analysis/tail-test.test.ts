import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../src/analysis/analysis-error.ts";
import { mannWhitney, type WeightedSample } from "../../src/analysis/mann-whitney.ts";
import type { Alternative } from "../../src/analysis/rate-test.ts";
import { tailTest, type TailShare } from "../../src/analysis/tail-test.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

type Sample = number[] | WeightedSample;

interface TailCase {
  name: string;
  baseline: Sample;
  candidate: Sample;
  options: { quantile: number; alternative: Alternative; confidence: number };
  expected: { pValue: number; tails: Omit<TailShare, "ratioLow" | "ratioHigh">[] };
}

const cases = readFixture<TailCase[]>("stats/tail-test.json");
const byName = (name: string): TailCase => cases.find((c) => c.name === name)!;

function normals(seed: number, n: number, mean: number, sd: number): number[] {
  const rng = seededSampler(seed);
  return Array.from({ length: n }, () => mean + sd * rng.normal());
}

function expandSample(s: WeightedSample): number[] {
  return s.values.flatMap((v, i) => Array<number>(s.weights[i]!).fill(v));
}

describe("tailTest: share beyond the baseline's quantile", () => {
  it.each(cases)("matches numpy's inverted-CDF quantile and scipy's binomtest: $name", ({ baseline, candidate, options, expected }) => {
    const result = tailTest(baseline, candidate, options);
    expectRelative(result.pValue, expected.pValue, 1e-9, "combined p-value");
    expect(result.tails).toHaveLength(expected.tails.length);
    result.tails.forEach((tail, i) => {
      const want = expected.tails[i]!;
      expect([tail.side, tail.threshold, tail.baselineShare, tail.candidateShare]).toEqual([want.side, want.threshold, want.baselineShare, want.candidateShare]);
      expectRelative(tail.ratio, want.ratio, 1e-12, `${tail.side} ratio`);
      expectRelative(tail.pValue, want.pValue, 1e-9, `${tail.side} p-value`);
    });
  });

  it("catches a release that keeps the median but doubles the spread, which Mann–Whitney passes (Kayenta #780)", () => {
    const { baseline, candidate } = byName("same median, doubled spread (two-sided)");
    expect(mannWhitney(baseline, candidate, { alternative: "two-sided", confidence: 0.95 }).pValue).toBeGreaterThan(0.05);
    const spread = tailTest(baseline, candidate, { quantile: 0.95, alternative: "two-sided", confidence: 0.95 });
    expect(spread.pValue).toBeLessThan(1e-10);
    expect(spread.tails.map((t) => t.ratio)).toEqual([4.65, 4.3]);
    expect(spread.tails.every((t) => t.ratioLow > 2)).toBe(true);
  });

  it("reads a small pure shift as a modestly heavier upper tail and a lighter lower tail, not as spread", () => {
    const { baseline, candidate } = byName("shift of 0.2 sd (two-sided)");
    const spread = tailTest(baseline, candidate, { quantile: 0.95, alternative: "two-sided", confidence: 0.95 });
    const [upper, lower] = spread.tails;
    expect(upper!.ratio).toBeCloseTo(1.8, 10);
    expect(lower!.ratio).toBeCloseTo(0.65, 10);
    expect(spread.side).toBe("upper");
    expect(spread.pValue).toBeGreaterThan(0.01);
    expect(tailTest(baseline, candidate, { quantile: 0.95, alternative: "less", confidence: 0.95 }).pValue).toBeGreaterThan(0.9);
  });

  it("keeps false alarms at about alpha on identical distributions (≤ 1.5 % at alpha 0.01 over 2000 seeded pairs)", () => {
    let upperAlarms = 0, spreadAlarms = 0;
    const runs = 2000;
    for (let run = 0; run < runs; run++) {
      const baseline = normals(1000 + run, 300, 200, 20), candidate = normals(900000 + run, 200, 200, 20);
      if (tailTest(baseline, candidate, { quantile: 0.95, alternative: "greater", confidence: 0.99 }).pValue < 0.01) upperAlarms++;
      if (tailTest(baseline, candidate, { quantile: 0.95, alternative: "two-sided", confidence: 0.99 }).pValue < 0.01) spreadAlarms++;
    }
    expect(upperAlarms / runs).toBeLessThanOrEqual(0.015);
    expect(spreadAlarms / runs).toBeLessThanOrEqual(0.015);
    expect(upperAlarms + spreadAlarms).toBeGreaterThan(0);
  });
});

describe("tailTest on histograms", () => {
  it("never counts the threshold bucket as slow: with a heavy threshold bucket the baseline share is below 1 − q", () => {
    const baseline: WeightedSample = { values: [10, 20, 30], weights: [50, 45, 5] };
    const candidate: WeightedSample = { values: [10, 20, 30], weights: [40, 40, 20] };
    const result = tailTest(baseline, candidate, { quantile: 0.9, alternative: "greater", confidence: 0.95 });
    expect([result.threshold, result.baselineShare, result.candidateShare, result.ratio]).toEqual([20, 0.05, 0.2, 4]);
  });

  it("gives the same answer for a histogram as for the raw observations it counts", () => {
    const { baseline, candidate, options } = byName("ties at a bucketed threshold: 5 buckets (spread)");
    const raw = tailTest(expandSample(baseline as WeightedSample), expandSample(candidate as WeightedSample), options);
    expect(tailTest(baseline, candidate, options)).toEqual(raw);
  });

  it("refuses fractional weights and quantiles outside (0.5, 1)", () => {
    const options = { quantile: 0.95, alternative: "greater" as const, confidence: 0.95 };
    expect(() => tailTest({ values: [1, 2], weights: [0.5, 0.5] }, [1, 2, 3], options)).toThrow(AnalysisInputError);
    expect(() => tailTest([1, 2, 3], [1, 2, 3], { ...options, quantile: 0.4 })).toThrow(AnalysisInputError);
  });

});
