import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../src/analysis/analysis-error.ts";
import { overdispersedRateTest, rateDispersion, type EventCounts } from "../../src/analysis/dispersion.ts";
import { normalCdf } from "../../src/analysis/special-functions.ts";
import { compareRates, type Alternative } from "../../src/analysis/rate-test.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

interface DispersionCase {
  name: string;
  intervals: EventCounts[];
  expected: { phi: number; intervals: number };
}

interface WaldCase {
  name: string;
  baseline: EventCounts;
  candidate: EventCounts;
  phi: number;
  alternative: Alternative;
  confidence: number;
  expected: { pValue: number; ratio: number; ratioLow: number; ratioHigh: number };
  exactPValue: number | null;
}

const fixture = readFixture<{ dispersion: DispersionCase[]; rateTests: WaldCase[] }>("stats/dispersion.json");

describe("rateDispersion: Pearson / quasi-Poisson dispersion", () => {
  it.each(fixture.dispersion)("matches numpy: $name", ({ intervals, expected }) => {
    const result = rateDispersion(intervals);
    expectRelative(result.phi, expected.phi, 1e-12, "phi");
    expect(result.intervals).toBe(expected.intervals);
  });

  it("never reports less than Poisson noise: perfectly even minutes give 1, not 0", () => {
    expect(rateDispersion(Array.from({ length: 8 }, () => ({ events: 10, exposure: 100 })))).toEqual({ phi: 1, intervals: 8 });
  });

  it("refuses events counted without exposure", () => {
    expect(() => rateDispersion([{ events: 3, exposure: 0 }])).toThrow(AnalysisInputError);
  });
});

describe("overdispersedRateTest: Wald test of the log rate ratio scaled by φ", () => {
  it.each(fixture.rateTests)("matches scipy.stats.norm by hand: $name", ({ baseline, candidate, phi, alternative, confidence, expected }) => {
    const result = overdispersedRateTest(baseline, candidate, phi, alternative, confidence);
    expectRelative(result.pValue, expected.pValue, 1e-9, "p-value");
    expectRelative(result.ratio, expected.ratio, 1e-14, "ratio");
    expectRelative(result.ratioLow, expected.ratioLow, 1e-12, "ratio low");
    expectRelative(result.ratioHigh, expected.ratioHigh, 1e-12, "ratio high");
  });

  it("at φ = 1 stays within 0.8–1.1 × the exact test's p-value for moderate counts (40–400 events a side)", () => {
    const moderate = fixture.rateTests.filter((c) => c.phi === 1 && c.baseline.events >= 40 && c.candidate.events >= 40);
    expect(moderate.length).toBeGreaterThanOrEqual(12);
    for (const c of moderate) {
      const exact = compareRates({ baselineEvents: c.baseline.events, baselineExposure: c.baseline.exposure, candidateEvents: c.candidate.events,
        candidateExposure: c.candidate.exposure, alternative: c.alternative, confidence: c.confidence });
      expectRelative(exact.pValue, c.exactPValue!, 1e-9, `exact ${c.name}`);
      const ratio = overdispersedRateTest(c.baseline, c.candidate, 1, c.alternative, c.confidence).pValue / exact.pValue;
      expect(ratio, c.name).toBeGreaterThan(0.8);
      expect(ratio, c.name).toBeLessThan(1.1);
    }
  });

  it("φ = 4 halves the z statistic", () => {
    const b = { events: 80, exposure: 10000 }, c = { events: 120, exposure: 10000 };
    const z = Math.log(1.5) / Math.sqrt(1 / 80 + 1 / 120);
    expectRelative(overdispersedRateTest(b, c, 4, "greater", 0.95).pValue, normalCdf(-z / 2), 1e-12, "p at φ = 4");
  });

  it("a new error source (0 before, 200 after on a 1% canary) is a finite, tiny p-value, never 'no change'", () => {
    const result = overdispersedRateTest({ events: 0, exposure: 990000 }, { events: 200, exposure: 10000 }, 1, "greater", 0.95);
    expect(result.ratio).toBe(Infinity);
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1e-12);
    expect(result.ratioLow).toBeGreaterThan(1000);
  });

  it("no candidate errors in a tiny window never read as a rise (the ½ correction alone would say p ≈ 1e-5)", () => {
    const result = overdispersedRateTest({ events: 1000, exposure: 100000 }, { events: 0, exposure: 10 }, 1, "greater", 0.95);
    expect(result.pValue).toBe(0.5);
    expect(result.ratio).toBe(0);
  });

  it("no events on either side is no evidence: p = 1, interval [0, ∞)", () => {
    const result = overdispersedRateTest({ events: 0, exposure: 5000 }, { events: 0, exposure: 50 }, 2, "two-sided", 0.95);
    expect([result.pValue, result.ratio, result.ratioLow, result.ratioHigh]).toEqual([1, 1, 0, Infinity]);
  });

  it("on minutes whose error rate wanders, the exact test cries wolf and the φ-scaled test does not", () => {
    const rng = seededSampler(424242);
    let exactAlarms = 0, scaledAlarms = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const minute = (): EventCounts => ({ events: rng.poisson(20 * Math.exp(0.35 * rng.normal() - 0.35 ** 2 / 2)), exposure: 1000 });
      const before = Array.from({ length: 60 }, minute), after = Array.from({ length: 20 }, minute);
      const sum = (xs: EventCounts[]): EventCounts => ({ events: xs.reduce((s, x) => s + x.events, 0), exposure: xs.length * 1000 });
      const b = sum(before), c = sum(after);
      const exact = compareRates({ baselineEvents: b.events, baselineExposure: b.exposure, candidateEvents: c.events, candidateExposure: c.exposure,
        alternative: "two-sided", confidence: 0.95 });
      if (exact.pValue < 0.05) exactAlarms++;
      if (overdispersedRateTest(b, c, rateDispersion(before).phi, "two-sided", 0.95).pValue < 0.05) scaledAlarms++;
    }
    expect(exactAlarms / runs).toBeGreaterThan(0.2); // 28 %: φ ≈ 3.6 here
    expect(scaledAlarms / runs).toBeLessThan(0.08); // 5.6 % with this seed, 3.9–6.4 % with others
  });
});
