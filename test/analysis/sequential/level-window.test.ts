import { describe, expect, it } from "vitest";
import { fitForecaster, forecastKindFor, indexSeries } from "../../../src/analysis/sequential/forecast-baseline.ts";
import { fitRateBaseline } from "../../../src/analysis/sequential/rate-sequential.ts";
import type { RateEvidence } from "../../../src/analysis/sequential/sequential-types.ts";
import { ERROR_SETTINGS, MINUTE, simulateMinutes } from "./simulated-service.ts";

const DAYS = 3 * 1440, START = Date.UTC(2026, 10, 2);
const evidence = (history: RateEvidence["history"]) => ({ history, historyStart: START, candidateStart: START + DAYS * MINUTE });

describe("the forecast level of a quiet service", () => {
  it("reads a steady quiet service's level over more than 7 hours, for a steadier forecast", () => {
    // 20 requests a minute at 0.5 %: about 42 errors in 7 hours (log sd 0.15), and nothing moves the level.
    const history = simulateMinutes(1, DAYS, 20, () => 0.005);
    const model = fitRateBaseline(evidence(history), ERROR_SETTINGS);
    expect(model.designReason).toMatch(/level of the last (24|72) h/);
    expect(model.forecast.levelEvents).toBeGreaterThan(100);
    const series = indexSeries(history, START);
    expect(model.forecast.varLog).toBeLessThan(0.8 * fitForecaster(series, series.length, forecastKindFor(series, series.length)).varLog);
  });

  it("keeps 7 hours when the level has moved, which its backtests show", () => {
    // The same service, whose errors fell from 2 % to 0.5 % 12 hours ago: a longer level still remembers the 2 %.
    const history = simulateMinutes(3, DAYS, 20, (i) => (i < DAYS - 720 ? 0.02 : 0.005));
    const model = fitRateBaseline(evidence(history), ERROR_SETTINGS);
    expect(model.designReason).toMatch(/level of the last 7 h/);
  });

  it("keeps 7 hours for a busy service, whose 7-hour level already rests on hundreds of errors", () => {
    const model = fitRateBaseline(evidence(simulateMinutes(4, DAYS, 300, () => 0.01)), ERROR_SETTINGS);
    expect(model.designReason).toMatch(/level of the last 7 h/);
    expect(model.forecast.levelEvents).toBeGreaterThan(1000);
  });
});
