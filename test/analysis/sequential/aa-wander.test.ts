import { describe, expect, it } from "vitest";
import { FLEET_TAU2, calibrateWander, historyFrequency, tau2At } from "../../../src/analysis/sequential/aa-wander.ts";
import { forecastKindFor, indexSeries } from "../../../src/analysis/sequential/forecast-baseline.ts";
import { ar1Multiplier, simulateMinutes } from "./simulated-service.ts";

const START = Date.UTC(2024, 0, 1, 0, 7);
const RHO = 0.98, SD = 0.15;

/** Var(mean of x over the t-minute window − mean over the 420 minutes before it) for a stationary AR(1) x. */
function ar1Tau2(t: number, before = 420): number {
  const w = (i: number) => (i >= 0 ? 1 / t : -1 / before);
  let v = 0;
  for (let i = -before; i < t; i++) for (let j = -before; j < t; j++) v += w(i) * w(j) * SD * SD * RHO ** Math.abs(i - j);
  return v;
}

function wanderingHistory(seed: number, minutes: number) {
  const m = ar1Multiplier(100 + seed, minutes, RHO, SD);
  return indexSeries(simulateMinutes(200 + seed, minutes, 1000, (i) => 0.01 * m[i]!), START);
}

describe("A/A wander calibration", () => {
  it("recovers the known wander of an AR(1) error rate under Poisson noise (7 days, 1000 rpm)", () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const fits = seeds.map((seed) => {
      const series = wanderingHistory(seed, 7 * 1440);
      return calibrateWander(series, forecastKindFor(series, series.length), 240);
    });
    for (const t of [30, 60, 120]) {
      const mean = fits.reduce((s, f) => s + tau2At(f.calibration, t), 0) / fits.length;
      expect(Math.abs(mean / ar1Tau2(t) - 1), `τ²(${t}) ${mean} vs ${ar1Tau2(t)}`).toBeLessThan(0.2);
    }
    expect(fits.every((f) => !f.lowAssurance && f.calibration.pairs >= 200)).toBe(true);
  });

  it("finds no wander beyond Poisson noise in a steady rate", () => {
    const series = indexSeries(simulateMinutes(7, 5 * 1440, 300, () => 0.01), START);
    const { calibration } = calibrateWander(series, "daily", 60);
    expect(tau2At(calibration, 30)).toBeLessThan(0.005);
  });

  it("with under 3 days marks low assurance and leans on the fleet prior", () => {
    const series = indexSeries(simulateMinutes(8, 1.5 * 1440, 300, () => 0.01), START);
    const fit = calibrateWander(series, "level", 60);
    expect(fit.lowAssurance).toBe(true);
    // Steady traffic measures ~0, so the estimate sits between 0 and the prior, weighted by pairs.
    const pairs = fit.calibration.pairs;
    expect(tau2At(fit.calibration, 30)).toBeGreaterThan((FLEET_TAU2 * 48) / (pairs + 48) - 0.005);
    expect(tau2At(fit.calibration, 30)).toBeLessThan(FLEET_TAU2);
  });

  it("uses the fleet prior alone when history holds no A/A window", () => {
    const series = indexSeries(simulateMinutes(9, 50, 300, () => 0.01), START);
    expect(tau2At(calibrateWander(series, "before_deploy", 30).calibration, 30)).toBe(FLEET_TAU2);
  });

  it("says how often unchanged windows of this service rose as much", () => {
    const series = wanderingHistory(1, 7 * 1440);
    const { calibration } = calibrateWander(series, "daily", 60);
    expect(historyFrequency(calibration, 5)).toBeCloseTo(1 / (calibration.aaLogRatios.length + 1), 12);
    expect(historyFrequency(calibration, -5)).toBe(1);
    const median = calibration.aaLogRatios[Math.floor(calibration.aaLogRatios.length / 2)]!;
    expect(historyFrequency(calibration, median)).toBeGreaterThan(0.4);
    expect(historyFrequency(calibration, median)).toBeLessThan(0.6);
  });

});
