import { describe, expect, it } from "vitest";
import { calibrateWander } from "../../../src/analysis/sequential/aa-wander.ts";
import { fitForecaster, forecastKindFor, forecastRate, indexSeries } from "../../../src/analysis/sequential/forecast-baseline.ts";
import { judgeLook } from "../../../src/analysis/sequential/group-sequential.ts";
import { boundariesFor } from "../../../src/analysis/sequential/boundaries.ts";
import { rateStats } from "../../../src/analysis/sequential/rate-sentences.ts";
import type { MinuteCounts } from "../../../src/analysis/sequential/sequential-types.ts";
import { expectRelative, readFixture } from "../reference-fixtures.ts";
import { ERROR_SETTINGS, MINUTE, simulateMinutes } from "./simulated-service.ts";

const HOUR = 3_600_000;

describe("seasonal forecast", () => {
  // Four days at 1000 rpm, 2 % errors swinging ±40 % over the day (trough at 18:00 UTC); deploy 15 min before the trough.
  const start = Date.UTC(2024, 0, 1);
  const swing = (ms: number) => 1 + 0.4 * Math.sin((2 * Math.PI * (ms / HOUR)) / 24);
  const historyMinutes = 4 * 1440 + 18 * 60 - 15;
  const candidateStart = start + (historyMinutes + 5) * MINUTE;
  const history = simulateMinutes(11, historyMinutes, 1000, (i) => 0.02 * swing(start + i * MINUTE));
  const candidate = Array.from({ length: 30 }, () => ({ events: 0, exposure: 1000 }));
  const truth = candidate.reduce((sum, _, i) => sum + 0.02 * swing(candidateStart + i * MINUTE), 0) / candidate.length;

  it("follows the daily cycle: at the trough it is within a few % of the truth while the flat 7-hour mean is far off", () => {
    const series = indexSeries(history, start);
    const kind = forecastKindFor(series, series.length);
    expect(kind).toBe("daily");
    const forecast = forecastRate(fitForecaster(series, series.length, kind), candidate, candidateStart);
    const last7h = history.slice(-420);
    const flat = last7h.reduce((s, m) => s + m.events, 0) / last7h.reduce((s, m) => s + m.exposure, 0);
    expect(Math.abs(forecast / truth - 1)).toBeLessThan(0.04);
    expect(flat / truth - 1).toBeGreaterThan(0.2);
  });

  it("keeps the profile nearly flat when history has no cycle, only noise", () => {
    const flatHistory = simulateMinutes(12, 3 * 1440, 300, () => 0.01);
    const f = fitForecaster(indexSeries(flatHistory, start), flatHistory.length, "daily");
    expect(Math.max(...f.hourLog.map(Math.abs))).toBeLessThan(0.06);
  });

  it("falls back to the flat hour before the deploy with under a day of history", () => {
    const short = simulateMinutes(13, 600, 100, () => 0.01);
    const series = indexSeries(short, start);
    expect(forecastKindFor(series, series.length)).toBe("before_deploy");
    const f = fitForecaster(series, series.length, "before_deploy");
    const lastHour = short.slice(-60);
    const e = lastHour.reduce((s, m) => s + m.events, 0);
    expect(f.level).toBeCloseTo((e + 0.5) / 6000, 12);
    expect(f.varLog).toBeCloseTo(1 / (e + 0.5), 12);
  });
});

interface ForecastFixture {
  historyStart: number;
  historyMinutes: number;
  gapMinutes: number;
  candidateMinutes: number;
  maxMinutes: number;
  forecast: { level: number; varLog: number; hourLog: number[]; rates: Record<string, number> };
  tau2ByMinutes: number[];
  pairs30: number;
  aaLogRatios30: number[];
  look: { minutes: number; events: number; exposure: number; forecastRate: number; logRatio: number; sd: number; z: number; pOneSided: number };
}

describe("against the numpy/scipy reference (scripts/reference/sequential_forecast_reference.py)", () => {
  const fx = readFixture<ForecastFixture>("stats/sequential-forecast.json");
  const DAILY = [0, 0, 1, 1, 2, 3, 4, 5, 6, 6, 7, 7, 7, 6, 6, 5, 4, 3, 2, 1, 1, 0, 0, 0];
  const minute = (j: number, bump = 0): MinuteCounts => ({
    events: ((j * 104729 + 17) % 7) + DAILY[Math.floor((fx.historyStart + j * MINUTE) / HOUR) % 24]! + ((Math.floor(j / 37) * 31) % 9) + bump,
    exposure: 250 + ((j * 7919) % 101),
  });
  const history = Array.from({ length: fx.historyMinutes }, (_, j) => minute(j));
  const offset = fx.historyMinutes + fx.gapMinutes;
  const candidate = Array.from({ length: fx.candidateMinutes }, (_, k) => minute(offset + k, k % 3));
  const candidateStart = fx.historyStart + offset * MINUTE;
  const series = indexSeries(history, fx.historyStart);
  const forecaster = fitForecaster(series, series.length, "daily");

  it("matches the forecast's level, profile, variance and window rates to 1e-9", () => {
    expectRelative(forecaster.level, fx.forecast.level, 1e-9, "level");
    expectRelative(forecaster.varLog, fx.forecast.varLog, 1e-9, "varLog");
    fx.forecast.hourLog.forEach((v, h) => expect(Math.abs(forecaster.hourLog[h]! - v), `hour ${h}`).toBeLessThan(1e-9));
    for (const [t, rate] of Object.entries(fx.forecast.rates)) expectRelative(forecastRate(forecaster, candidate, candidateStart, Number(t)), rate, 1e-9, `rate@${t}`);
  });

  it("matches τ²(t) for every t to 1e-6, the pair count and the sorted A/A log ratios to 1e-9", () => {
    const { calibration } = calibrateWander(series, "daily", fx.maxMinutes);
    expect(calibration.pairs).toBe(fx.pairs30);
    // Windows of under 30 expected errors: the reference sums the Poisson expectation exactly, the engine interpolates
    // a 2,000-point table of it (relative error under 1e-5).
    fx.tau2ByMinutes.forEach((v, i) => expect(Math.abs(calibration.tau2ByMinutes[i]! - v), `tau2(${i + 1})`).toBeLessThan(1e-6));
    expect(calibration.aaLogRatios.length).toBe(fx.aaLogRatios30.length);
    fx.aaLogRatios30.forEach((v, i) => expect(Math.abs(calibration.aaLogRatios[i]! - v)).toBeLessThan(1e-9));
  });

  it("matches the look's log ratio, sd, z and one-sided p to 1e-9", () => {
    const t = fx.look.minutes;
    const baseline = { rate: forecastRate(forecaster, candidate, candidateStart, t), varLog: forecaster.varLog, tau2: fx.tau2ByMinutes[t - 1]!, events: forecaster.levelEvents };
    const events = candidate.slice(0, t).reduce((s, m) => s + m.events, 0), exposure = candidate.slice(0, t).reduce((s, m) => s + m.exposure, 0);
    expect([events, exposure]).toEqual([fx.look.events, fx.look.exposure]);
    const bounds = boundariesFor(60);
    const look = judgeLook(t, events, exposure, baseline, ERROR_SETTINGS, bounds);
    expectRelative(look.logRatio, fx.look.logRatio, 1e-9, "L");
    expectRelative(look.sd, fx.look.sd, 1e-9, "sd");
    expectRelative(look.z, fx.look.z, 1e-9, "z");
    expectRelative(rateStats("m", look, 0, "increase", bounds, 60).pValue, fx.look.pOneSided, 1e-9, "p");
  });
});
