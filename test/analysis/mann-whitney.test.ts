import { describe, expect, it } from "vitest";
import { mannWhitney, type WeightedSample } from "../../src/analysis/mann-whitney.ts";
import { expectAbsolute, expectRelative, minstd, readFixture, type MinstdSpec } from "./reference-fixtures.ts";

type FixtureSample = number[] | WeightedSample | MinstdSpec;

interface MannWhitneyCase {
  name: string;
  baseline: FixtureSample;
  candidate: FixtureSample;
  options: Required<Parameters<typeof mannWhitney>[2]>;
  expected: { method: "exact" | "normal"; u: number; pValue: number; shift: number; shiftLow: number; shiftHigh: number };
}

const cases = readFixture<MannWhitneyCase[]>("stats/mann-whitney.json");

function sample(s: FixtureSample): number[] | WeightedSample {
  return "generator" in s ? minstd(s) : s;
}

describe("mannWhitney against scipy.stats.mannwhitneyu and R's wilcox.test algorithm", () => {
  it.each(cases)("$name", ({ baseline, candidate, options, expected }) => {
    const result = mannWhitney(sample(baseline), sample(candidate), options);
    const scale = Math.max(1, Math.abs(expected.shift));
    expect(result.method).toBe(expected.method);
    expect(result.u).toBe(expected.u);
    expectRelative(result.pValue, expected.pValue, expected.method === "exact" ? 1e-13 : 1e-10, "p-value");
    expectAbsolute(result.shift, expected.shift, 1e-12 * scale, "shift");
    expectAbsolute(result.shiftLow, expected.shiftLow, 1e-9 * scale, "shift low");
    expectAbsolute(result.shiftHigh, expected.shiftHigh, 1e-9 * scale, "shift high");
  });

  it("orients everything as candidate versus baseline: a larger candidate has positive z and shift", () => {
    const baseline = [10, 11, 12, 13, 14, 15, 16, 17];
    const candidate = baseline.map((v) => v + 5.5);
    const up = mannWhitney(baseline, candidate, { alternative: "greater", confidence: 0.95 });
    const down = mannWhitney(candidate, baseline, { alternative: "greater", confidence: 0.95 });
    expect(up.z).toBeGreaterThan(2);
    expect(up.shift).toBe(5.5);
    expect(up.pValue).toBeLessThan(0.01);
    expect(down.pValue).toBeGreaterThan(0.99);
    expect(up.u + down.u).toBe(64);
    expect([up.baselineN, up.candidateN]).toEqual([8, 8]);
  });

  it("uses the exact distribution only without ties and below 50 per side, as R does", () => {
    const small = Array.from({ length: 49 }, (_, i) => i * 1.1);
    const shifted = small.map((v) => v + 0.37);
    const opts = { alternative: "two-sided" as const, confidence: 0.95 };
    expect(mannWhitney(small, shifted, opts).method).toBe("exact");
    expect(mannWhitney([...small, 100], shifted, opts).method).toBe("normal");
    expect(mannWhitney(small, [...shifted.slice(1), small[3]!], opts).method).toBe("normal");
  });
});
