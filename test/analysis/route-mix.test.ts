import { describe, expect, it } from "vitest";
import { analyzeStratifiedRate } from "../../src/analysis/classify-rate.ts";
import { rawSample } from "../../src/analysis/classify-distribution.ts";
import { compareRates } from "../../src/analysis/rate-test.ts";
import { standardizeToCandidateMix } from "../../src/analysis/route-mix.ts";
import { compareStratifiedRates } from "../../src/analysis/stratified-rate.ts";
import { mannWhitney } from "../../src/analysis/mann-whitney.ts";

const settings = { direction: "increase" as const, fail: { relative: 0.5, absolute: 0.005 }, minSamples: 100, confidence: 0.99 };

describe("Mantel–Haenszel rate ratio over routes", () => {
  it("is the crude ratio with the usual variance for one stratum", () => {
    const r = compareStratifiedRates([{ baseline: { events: 40, exposure: 10_000 }, candidate: { events: 90, exposure: 12_000 } }], "two-sided", 0.95);
    expect(r.ratio).toBeCloseTo((90 / 12_000) / (40 / 10_000), 12);
    const se = Math.sqrt(1 / 90 + 1 / 40);
    expect(r.ratioLow).toBeCloseTo(r.ratio * Math.exp(-1.959963984540054 * se), 9);
    // The Wald p-value agrees with the exact conditional test to within a few per cent at these counts.
    const exact = compareRates({ baselineEvents: 40, baselineExposure: 10_000, candidateEvents: 90, candidateExposure: 12_000, alternative: "two-sided", confidence: 0.95 });
    expect(Math.log10(r.pValue)).toBeCloseTo(Math.log10(exact.pValue), 0);
  });

  it("does not blame a release for a shift of traffic towards a route that always errs more (Simpson's paradox)", () => {
    // /search errs at 1 %, /export at 10 %, before and after. Before: 90 % of traffic on /search; after: 50 %.
    const strata = [
      { baseline: { events: 900, exposure: 90_000 }, candidate: { events: 500, exposure: 50_000 } },
      { baseline: { events: 1000, exposure: 10_000 }, candidate: { events: 5000, exposure: 50_000 } },
    ];
    const crude = compareRates({ baselineEvents: 1900, baselineExposure: 100_000, candidateEvents: 5500, candidateExposure: 100_000, alternative: "greater", confidence: 0.99 });
    expect(crude.ratio).toBeGreaterThan(2.8);
    const adjusted = analyzeStratifiedRate(strata, settings);
    if (adjusted.kind !== "ok") throw new Error("expected data");
    expect(adjusted.stats.relativeChange).toBeCloseTo(0, 6);
    expect(adjusted.stats.pValue).toBeGreaterThan(0.4);
    expect(adjusted.stats.baselineValue).toBeCloseTo(0.055, 6);
  });

  it("still finds a regression confined to one route", () => {
    const strata = [
      { baseline: { events: 900, exposure: 90_000 }, candidate: { events: 900, exposure: 90_000 } },
      { baseline: { events: 100, exposure: 10_000 }, candidate: { events: 600, exposure: 10_000 } },
    ];
    const r = compareStratifiedRates(strata, "greater", 0.99);
    expect(r.ratio).toBeGreaterThan(1.4);
    expect(r.pValue).toBeLessThan(1e-10);
  });
});

describe("latency standardised to the candidate's route mix", () => {
  const repeat = (value: number, n: number) => Array.from({ length: n }, (_, i) => value * (1 + ((i % 21) - 10) / 100));

  it("does not call a release slower because more traffic went to a slow route", () => {
    const fast = (n: number) => rawSample(repeat(20, n));
    const slow = (n: number) => rawSample(repeat(400, n));
    const baseline = new Map([["/home", fast(9000)], ["/report", slow(1000)]]);
    const candidate = new Map([["/home", fast(5000)], ["/report", slow(5000)]]);
    const mix = standardizeToCandidateMix(baseline, candidate);
    expect(mix.coverage).toBe(1);
    const adjusted = mannWhitney(mix.baseline, mix.candidate, { alternative: "greater", confidence: 0.99 });
    expect(adjusted.pValue).toBeGreaterThan(0.3);
    const crudeBaseline = { values: [...mix.baseline.values], weights: mix.baseline.values.map((v) => (v < 100 ? 9000 / 21 : 1000 / 21)) };
    expect(mannWhitney(crudeBaseline, mix.candidate, { alternative: "greater", confidence: 0.99 }).pValue).toBeLessThan(1e-10);
  });

  it("reports the share of candidate traffic it could compare", () => {
    const mix = standardizeToCandidateMix(new Map([["/a", rawSample([1, 2, 3])]]), new Map([["/a", rawSample([1, 2, 3])], ["/new", rawSample([5])]]));
    expect(mix.coverage).toBe(0.75);
    expect(mix.routes).toBe(1);
  });
});
