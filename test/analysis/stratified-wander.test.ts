import { describe, expect, it } from "vitest";
import { analyzeRate, analyzeStratifiedRate, windowScaleDispersion } from "../../src/analysis/classify-rate.ts";
import { overdispersedRateTest } from "../../src/analysis/dispersion.ts";
import { windowWander } from "../../src/analysis/window-wander.ts";
import { judge, type SignalInput } from "../../src/analysis/judge.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

const settings = { direction: "increase" as const, fail: { relative: 0.5, absolute: 0.001 }, minSamples: 200, confidence: 0.99, candidateMinutes: 30 };

// Minutes whose rate wanders (log-normal, sd 0.4) on top of Poisson noise: φ > 1 and τ² > 0 on this history.
function wandering(seed: number, minutes: number, perMinute: number, rate: number) {
  const rng = seededSampler(seed);
  let level = 0;
  return Array.from({ length: minutes }, () => {
    level = 0.9 * level + 0.4 * Math.sqrt(1 - 0.81) * rng.normal();
    return { events: rng.poisson(perMinute * rate * Math.exp(level)), exposure: perMinute };
  });
}

describe("by_route keeps the wander allowance (φ and τ² in the Mantel–Haenszel variance)", () => {
  const history = { series: wandering(1, 360, 300, 0.005), baselineMinutes: 60 };
  const baselineSeries = wandering(2, 60, 300, 0.005);
  const baseline = baselineSeries.reduce((a, m) => ({ events: a.events + m.events, exposure: a.exposure + m.exposure }), { events: 0, exposure: 0 });
  const candidate = { events: Math.round(baseline.events * 0.5 * 1.6), exposure: baseline.exposure / 2 };

  it("with one route, gives the p-value of the crude φ-and-τ²-widened Wald test", () => {
    const phi = windowScaleDispersion(baselineSeries), tau2 = windowWander(history.series, 60, 30).tau2;
    expect(phi).toBeGreaterThan(1);
    expect(tau2).toBeGreaterThan(0);
    const wald = overdispersedRateTest(baseline, candidate, phi, "greater", 0.99, tau2);
    const routed = analyzeStratifiedRate([{ baseline, candidate }], settings, baselineSeries, history);
    expect(routed.kind).toBe("ok");
    if (routed.kind !== "ok") return;
    expect(routed.stats.pValue).toBeCloseTo(wald.pValue, 12);
    expect(routed.stats.ciLow + 1).toBeCloseTo(wald.ratioLow, 12);
    expect(routed.stats.details).toMatchObject({ dispersion: phi, wander: tau2 });
    expect(routed.stats.method).toContain("φ =");
  });

  it("judges a one-route by_route signal as the plain signal is judged when the rate wanders", () => {
    const plain = analyzeRate(baseline, candidate, settings, baselineSeries, history);
    const input = (strata: boolean): SignalInput => ({
      name: "errors", settings, weight: 1, critical: true, noData: "hold",
      data: { kind: "rate", baseline, candidate, baselineSeries, history, ...(strata ? { strata: [{ baseline, candidate }] } : {}) },
    });
    expect(plain.kind === "ok" && plain.stats.pValue).toBeGreaterThan(0.01);
    expect(judge([input(true)], { pass: 90, warn: 60 }).status).toBe(judge([input(false)], { pass: 90, warn: 60 }).status);
    expect(judge([input(true)], { pass: 90, warn: 60 }).status).not.toBe("fail");
  });

  it("still separates two routes' different base rates (Mantel–Haenszel) while widening", () => {
    const strata = [
      { baseline: { events: 10, exposure: 9000 }, candidate: { events: 5, exposure: 4500 } },
      { baseline: { events: 90, exposure: 9000 }, candidate: { events: 180, exposure: 9000 } },
    ];
    const narrow = analyzeStratifiedRate(strata, settings), wide = analyzeStratifiedRate(strata, settings, baselineSeries, history);
    if (narrow.kind !== "ok" || wide.kind !== "ok") throw new Error("expected both analyses to run");
    expect(wide.stats.relativeChange).toBeCloseTo(narrow.stats.relativeChange, 12);
    expect(wide.stats.pValue).toBeGreaterThan(narrow.stats.pValue);
  });
});
