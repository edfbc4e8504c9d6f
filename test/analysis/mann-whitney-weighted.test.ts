import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../src/analysis/analysis-error.ts";
import { mannWhitney, type WeightedSample } from "../../src/analysis/mann-whitney.ts";

const two = { alternative: "two-sided" as const, confidence: 0.95 };

function expandSample(s: WeightedSample): number[] {
  return s.values.flatMap((v, i) => Array<number>(s.weights[i]!).fill(v));
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AnalysisInputError ? error.code : "untyped";
  }
  return undefined;
}

describe("mannWhitney on weighted samples (histograms)", () => {
  it("a histogram gives the same U, p-value and shift as the raw data it summarises", () => {
    const b: WeightedSample = { values: [12, 15, 20, 30, 45], weights: [30, 50, 12, 6, 2] };
    const c: WeightedSample = { values: [12, 15, 20, 30, 45, 60], weights: [20, 44, 20, 9, 5, 2] };
    const weighted = mannWhitney(b, c, two);
    const raw = mannWhitney(expandSample(b), expandSample(c), two);
    expect([weighted.u, weighted.z, weighted.pValue, weighted.shift]).toEqual([raw.u, raw.z, raw.pValue, raw.shift]);
    expect(Math.abs(weighted.shiftLow - raw.shiftLow)).toBeLessThan(1e-4);
    expect(Math.abs(weighted.shiftHigh - raw.shiftHigh)).toBeLessThan(1e-4);
  });

  it("a WeightedSample of single counts below 50 per side takes the exact path, identical to plain arrays", () => {
    const b = [3.1, 4.7, 5.2, 6.8, 7.7, 9.4], c = [5.5, 6.1, 8.3, 9.9, 10.2, 12.4, 13.0];
    const ones = (xs: number[]): WeightedSample => ({ values: xs, weights: xs.map(() => 1) });
    expect(mannWhitney(ones(b), ones(c), two)).toEqual(mannWhitney(b, c, two));
    expect(mannWhitney(ones(b), ones(c), two).method).toBe("exact");
  });

  it("accepts fractional counts and ignores zero counts; scaling all counts leaves the shift unchanged", () => {
    const b: WeightedSample = { values: [1, 2, 3, 4, 99], weights: [1.5, 2.5, 3.5, 1.5, 0] };
    const c: WeightedSample = { values: [2, 3, 4, 5], weights: [0.5, 2, 4, 3] };
    const scaled = (s: WeightedSample): WeightedSample => ({ values: s.values, weights: s.weights.map((w) => w * 40) });
    expect(mannWhitney(b, c, two).shift).toBe(mannWhitney(scaled(b), scaled(c), two).shift);
    expect(mannWhitney(b, c, two).baselineN).toBe(9);
    expect(mannWhitney(scaled(b), scaled(c), two).pValue).toBeLessThan(mannWhitney(b, c, two).pValue);
  });

  it("all observations tied: p = 1 and a zero shift with a zero-width interval", () => {
    const result = mannWhitney([5, 5, 5], { values: [5], weights: [4] }, two);
    expect(result).toMatchObject({ pValue: 1, z: 0, shift: 0, shiftLow: 0, shiftHigh: 0 });
  });

  it("rejects empty samples, mismatched lengths, negative counts and non-finite values with typed codes", () => {
    expect(errorCode(() => mannWhitney([], [1, 2], two))).toBe("EMPTY_SAMPLE");
    expect(errorCode(() => mannWhitney({ values: [1], weights: [0] }, [1, 2], two))).toBe("EMPTY_SAMPLE");
    expect(errorCode(() => mannWhitney({ values: [1, 2], weights: [1] }, [1, 2], two))).toBe("INVALID_INPUT");
    expect(errorCode(() => mannWhitney({ values: [1], weights: [-1] }, [1, 2], two))).toBe("INVALID_INPUT");
    expect(errorCode(() => mannWhitney([1, Number.NaN], [1, 2], two))).toBe("INVALID_INPUT");
    expect(errorCode(() => mannWhitney([1, 2], [1, 2], { ...two, confidence: 0 }))).toBe("INVALID_INPUT");
  });

});
