import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../src/analysis/analysis-error.ts";
import { binomialCdf, binomialSf } from "../../src/analysis/special-functions.ts";
import { compareRates } from "../../src/analysis/rate-test.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";

type RateInput = Parameters<typeof compareRates>[0];

interface RateCase {
  name: string;
  input: RateInput;
  expected: { ratio: number; ratioLow: number; ratioHigh: number; pValue: number };
}

const cases = readFixture<RateCase[]>("stats/rate-comparisons.json");

function thrownCode(input: RateInput): string | undefined {
  try {
    compareRates(input);
  } catch (error) {
    return error instanceof AnalysisInputError ? error.code : "untyped";
  }
  return undefined;
}

const base: RateInput = { baselineEvents: 20, baselineExposure: 10000, candidateEvents: 35, candidateExposure: 10000, alternative: "two-sided", confidence: 0.95 };

describe("compareRates: exact conditional test of two Poisson rates", () => {
  it.each(cases)("matches scipy binomtest + Clopper–Pearson: $name", ({ input, expected }) => {
    const result = compareRates(input);
    expectRelative(result.pValue, expected.pValue, 1e-10, "p-value");
    expectRelative(result.ratio, expected.ratio, 1e-14, "ratio");
    expectRelative(result.ratioLow, expected.ratioLow, 1e-10, "ratio low");
    expectRelative(result.ratioHigh, expected.ratioHigh, 1e-10, "ratio high");
    expect(result.candidateRate).toBe(input.candidateEvents / input.candidateExposure);
  });

  it("uses R's minlike two-sided p-value, not twice the smaller tail", () => {
    const input: RateInput = { ...base, baselineEvents: 1, baselineExposure: 70, candidateEvents: 9, candidateExposure: 30 };
    // 9 of 10 events where 3 are expected: no outcome in the lower tail is as unlikely (P(0) = 0.7^10 ≈ 0.028).
    const upperTail = binomialSf(9, 10, 0.3);
    expect(binomialCdf(0, 10, 0.3)).toBeGreaterThan(upperTail);
    expect(compareRates(input).pValue).toBe(upperTail);
    expect(compareRates(input).pValue).not.toBeCloseTo(2 * upperTail, 6);
  });

  it("a new error source (0 before, 200 after on a 1% canary) is a huge, certain increase, never 'no change'", () => {
    const result = compareRates({ ...base, baselineEvents: 0, baselineExposure: 990000, candidateEvents: 200, candidateExposure: 10000, alternative: "greater" });
    expect(result.ratio).toBe(Infinity);
    expect(result.ratioHigh).toBe(Infinity);
    expect(result.ratioLow).toBeGreaterThan(500);
    expect(result.pValue).toBeLessThan(1e-300);
  });

  it("zero candidate events gives ratio 0 with a finite upper bound", () => {
    const result = compareRates({ ...base, candidateEvents: 0 });
    expect([result.ratio, result.ratioLow]).toEqual([0, 0]);
    expect(result.ratioHigh).toBeGreaterThan(0.05);
    expect(result.ratioHigh).toBeLessThan(0.5);
  });

  it("no events on either side: p = 1, ratio 1 by definition, interval [0, ∞)", () => {
    expect(compareRates({ ...base, baselineEvents: 0, candidateEvents: 0 })).toEqual({
      baselineRate: 0, candidateRate: 0, ratio: 1, ratioLow: 0, ratioHigh: Infinity, pValue: 1, method: "no events on either side",
    });
  });

  it("rejects inputs it cannot analyse with a typed error code", () => {
    expect(thrownCode({ ...base, baselineExposure: 0 })).toBe("NO_EXPOSURE");
    expect(thrownCode({ ...base, candidateExposure: 0, candidateEvents: 0 })).toBe("NO_EXPOSURE");
    expect(thrownCode({ ...base, candidateEvents: 2.5 })).toBe("INVALID_INPUT");
    expect(thrownCode({ ...base, baselineEvents: -1 })).toBe("INVALID_INPUT");
    expect(thrownCode({ ...base, baselineExposure: Number.NaN })).toBe("INVALID_INPUT");
    expect(thrownCode({ ...base, confidence: 1 })).toBe("INVALID_INPUT");
    expect(thrownCode({ ...base, candidateEvents: 35.00000001 })).toBeUndefined();
  });
});
