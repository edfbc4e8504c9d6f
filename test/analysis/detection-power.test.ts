import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../src/analysis/analysis-error.ts";
import {
  exposureNeededForRate,
  minutesNeeded,
  rateDetectionPower,
  samplesNeededForShift,
  shiftDetectionPower,
  type RatePowerInput,
  type ShiftPowerInput,
} from "../../src/analysis/detection-power.ts";
import { expectAbsolute, expectRelative, readFixture } from "./reference-fixtures.ts";

interface RateCase {
  input: RatePowerInput;
  exact: number;
  simulated: number;
  normalFormula: number | null;
  exposureFor80: number;
}

interface ShiftCase {
  input: ShiftPowerInput;
  formula: number;
  simulated: number;
  samplesFor80: number;
}

const fixture = readFixture<{ rates: RateCase[]; shifts: ShiftCase[] }>("stats/detection-power.json");
const label = (input: object): string => JSON.stringify(input);

describe("rateDetectionPower: power of the one-sided log-ratio Wald test", () => {
  it.each(fixture.rates)("matches the exact double sum and a 40 000-run simulation: $input.baselineRate, $input.candidateExposure", (c) => {
    const power = rateDetectionPower(c.input);
    // Quantile nodes resolve the counts to 1/400; the simulation's standard error is at most 0.0025.
    expectAbsolute(power, c.exact, 0.006, `exact ${label(c.input)}`);
    expectAbsolute(power, c.simulated, 0.012, `simulated ${label(c.input)}`);
  });

  it("is more honest than the normal formula at small counts (15 expected events: 0.88, not 0.97)", () => {
    const c = fixture.rates.find((r) => r.input.baselineRate === 0.001 && r.input.candidateExposure === 5000)!;
    expect(c.normalFormula! - c.exact).toBeGreaterThan(0.08);
    expectAbsolute(rateDetectionPower(c.input), 0.885, 0.006, "power");
  });

  it("a quiet baseline with no errors can still detect an absolute rise: P(at least one candidate error) when one error suffices", () => {
    const input = { baselineRate: 0, baselineExposure: 200000, candidateExposure: 1000, relativeEffect: 0.5, absoluteEffect: 0.001, alpha: 0.01 };
    expectAbsolute(rateDetectionPower(input), 1 - Math.exp(-1), 0.003, "1 − e⁻¹");
  });

  it("grows with candidate traffic and shrinks with overdispersion", () => {
    const base = { baselineRate: 0.01, baselineExposure: 50000, relativeEffect: 0.3, absoluteEffect: 0, alpha: 0.01 };
    const powers = [500, 2000, 8000, 32000].map((candidateExposure) => rateDetectionPower({ ...base, candidateExposure }));
    expect(powers).toEqual([...powers].sort((a, b) => a - b));
    expect(powers[3]! - powers[0]!).toBeGreaterThan(0.5);
    expect(rateDetectionPower({ ...base, candidateExposure: 8000, phi: 3 })).toBeLessThan(powers[2]! - 0.2);
  });

  it("has no power without candidate traffic and rejects an 'effect' that does not raise the rate", () => {
    const base = { baselineRate: 0.01, baselineExposure: 50000, candidateExposure: 0, relativeEffect: 0.3, absoluteEffect: 0, alpha: 0.01 };
    expect(rateDetectionPower(base)).toBe(0);
    expect(() => rateDetectionPower({ ...base, candidateExposure: 10, relativeEffect: 0 })).toThrow(AnalysisInputError);
  });
});

describe("exposureNeededForRate", () => {
  it.each(fixture.rates)("matches the exposure where the exact power reaches 0.8: $input.baselineRate, phi $input.phi", (c) => {
    const { candidateExposure: _unused, ...rest } = c.input;
    const needed = exposureNeededForRate({ ...rest, power: 0.8 });
    expectRelative(needed, c.exposureFor80, 0.03, `exposure ${label(c.input)}`);
    expect(rateDetectionPower({ ...c.input, candidateExposure: needed })).toBeGreaterThanOrEqual(0.8);
  });

  it("is infinite when the baseline itself is too small for the target power, whatever the candidate traffic", () => {
    const input = { baselineRate: 0.01, baselineExposure: 2000, relativeEffect: 0.2, absoluteEffect: 0, alpha: 0.01, power: 0.8 };
    expect(exposureNeededForRate(input)).toBe(Infinity);
  });
});

describe("shiftDetectionPower and samplesNeededForShift: Noether's Mann–Whitney power on log values", () => {
  it.each(fixture.shifts)("matches scipy's formula and a 4 000-run Mann–Whitney simulation: n $input.baselineN/$input.candidateN", (c) => {
    const power = shiftDetectionPower(c.input);
    expectAbsolute(power, c.formula, 1e-12, "formula");
    expectAbsolute(power, c.simulated, 0.03, "simulation");
    const { candidateN: _unused, ...rest } = c.input;
    expect(samplesNeededForShift({ ...rest, power: 0.8 })).toBe(c.samplesFor80);
  });

  it("a spread given as the sd of log values equals the same spread given as a coefficient of variation", () => {
    const input = { baselineN: 300, candidateN: 120, relativeShift: 0.15, alpha: 0.01 };
    expect(shiftDetectionPower({ ...input, logSd: Math.sqrt(Math.log(1 + 0.7 ** 2)) })).toBeCloseTo(shiftDetectionPower({ ...input, cv: 0.7 }), 14);
  });

  it("samplesNeededForShift gives the smallest candidate size whose power reaches the target", () => {
    const input = { baselineN: 1000, relativeShift: 0.1, cv: 0.5, alpha: 0.01 };
    const n = samplesNeededForShift({ ...input, power: 0.9 });
    expect(shiftDetectionPower({ ...input, candidateN: n })).toBeGreaterThanOrEqual(0.9);
    expect(shiftDetectionPower({ ...input, candidateN: n - 1 })).toBeLessThan(0.9);
  });

  it("needs a spread and a shift above −100 %", () => {
    expect(() => shiftDetectionPower({ baselineN: 10, candidateN: 10, relativeShift: 0.1, alpha: 0.05 })).toThrow(AnalysisInputError);
    expect(() => shiftDetectionPower({ baselineN: 10, candidateN: 10, relativeShift: -1, cv: 1, alpha: 0.05 })).toThrow(AnalysisInputError);
  });
});

describe("minutesNeeded", () => {
  it("turns missing samples into whole minutes at the traffic seen so far", () => {
    expect(minutesNeeded(1000, 300, 10)).toBe(24); // 700 more at 30 a minute = 23.3
    expect(minutesNeeded(1000, 1000, 10)).toBe(0);
    expect(minutesNeeded(1000, 0, 10)).toBe(Infinity);
    expect(minutesNeeded(Infinity, 50, 10)).toBe(Infinity);
  });
});
