import { describe, expect, it } from "vitest";
import { analyzeSeries } from "../../src/analysis/classify-series.ts";
import { detectMeanShift } from "../../src/analysis/change-point.ts";
import { judge, type SignalInput } from "../../src/analysis/judge.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

const settings = { direction: "increase" as const, fail: { relative: 0, absolute: 0 }, minSamples: 10, confidence: 0.99 };

// A stationary AR(1) series with unit marginal sd around 100, plus `step` sd from minute `at` on.
function ar1(seed: number, rho: number, length: number, step = 0, at = length): number[] {
  const rng = seededSampler(seed);
  let x = rng.normal();
  return Array.from({ length }, (_, i) => {
    if (i > 0) x = rho * x + Math.sqrt(1 - rho * rho) * rng.normal();
    return 100 + x + (i >= at ? step : 0);
  });
}

describe("metric signals: a step in the mean tested with the minutes' autocorrelation (60 vs 30 points, α = 0.01)", () => {
  it.each([0.5, 0.8, 0.95])("keeps false positives at or below 2 in 100 on unchanged AR(1) minutes at ρ = %s", (rho) => {
    let positives = 0;
    const runs = 400;
    for (let seed = 1; seed <= runs; seed++) {
      const x = ar1(1000 * rho + seed, rho, 90);
      const r = analyzeSeries(x.slice(0, 60), x.slice(60), settings);
      if (r.kind === "ok" && r.stats.pValue < 0.01) positives++;
    }
    expect(positives / runs).toBeLessThanOrEqual(0.02);
  });

  it.each([[0.5, 0.95], [0.8, 0.8], [0.95, 0.8]])("still finds a real step of 2 sd at ρ = %s in at least %s of series", (rho, share) => {
    let found = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const x = ar1(5000 + seed, rho, 90, 2, 60);
      const r = analyzeSeries(x.slice(0, 60), x.slice(60), settings);
      if (r.kind === "ok" && r.stats.pValue < 0.01) found++;
    }
    expect(found / 100).toBeGreaterThanOrEqual(share);
  });

  it("judges a `series` signal through judge(): a flat gauge passes and a doubled gauge fails", () => {
    const input = (after: number[]): SignalInput => ({
      name: "queue_depth", weight: 1, critical: true, noData: "hold",
      settings: { ...settings, fail: { relative: 0.2, absolute: 1 } },
      data: { kind: "series", baseline: ar1(1, 0.8, 60).map((v) => v / 10), candidate: after },
    });
    expect(judge([input(ar1(2, 0.8, 30).map((v) => v / 10))], { pass: 90, warn: 60 }).status).toBe("pass");
    expect(judge([input(ar1(3, 0.8, 30).map((v) => v / 5))], { pass: 90, warn: 60 }).status).toBe("fail");
  });
});

describe("onset scan on per-minute means: autocorrelated minutes are not a change point", () => {
  it.each([0.5, 0.8, 0.95])("calls at most 2 in 100 of unchanged AR(1) series (60 minutes) changed, ρ = %s", (rho) => {
    let changed = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const series = ar1(7000 + 1000 * rho + seed, rho, 60).map((value, t) => ({ t, value }));
      if (detectMeanShift(series, { permutations: 499 })!.significant) changed++;
    }
    expect(changed / runs).toBeLessThanOrEqual(0.02);
  });

  // Paying for autocorrelation costs power at moderate ρ (measured: a 3-sd step at ρ = 0.5 is found in 61 %).
  it.each([[0, 3, 47], [0.5, 4, 40]])("still finds a step at minute 40 within ±2 minutes at ρ = %s (%s sd, ≥ %s of 50)", (rho, step, atLeast) => {
    let found = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const shift = detectMeanShift(ar1(9000 + seed, rho, 60, step, 40).map((value, t) => ({ t, value })), { permutations: 499 })!;
      if (shift.significant && Math.abs(shift.index - 40) <= 2) found++;
    }
    expect(found).toBeGreaterThanOrEqual(atLeast);
  });
});
