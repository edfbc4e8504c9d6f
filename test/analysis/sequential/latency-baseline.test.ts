import { describe, expect, it } from "vitest";
import { LATENCY_BOUNDARY_TABLE, LATENCY_QUIET_BOUNDARY_TABLE } from "../../../src/analysis/sequential/boundaries.ts";
import { fitLatencyBaseline } from "../../../src/analysis/sequential/latency-baseline.ts";
import type { MinuteCounts } from "../../../src/analysis/sequential/sequential-types.ts";
import { ar1Multiplier, LATENCY_SETTINGS, MINUTE, simulateMinutes } from "./simulated-service.ts";

const settings = LATENCY_SETTINGS;
const DAYS = 3 * 1440, START = Date.UTC(2026, 10, 2);

// Minutes of requests and of requests beyond the pre-deploy p95, the share multiplied by `drift` when given.
function exceedances(seed: number, rpm: number, drift?: Float64Array): { history: MinuteCounts[]; historyStart: number; candidateStart: number } {
  const history = simulateMinutes(seed, DAYS, rpm, (i) => 0.05 * (drift?.[i] ?? 1));
  return { history, historyStart: START, candidateStart: START + DAYS * MINUTE };
}

describe("the latency baseline of a quiet service", () => {
  it("reads a steady quiet service's share over a longer window than the hour, with the quiet boundaries", () => {
    // 20 requests a minute: about 60 slow requests in the hour (log sd 0.13), no drift to lose by waiting longer.
    const model = fitLatencyBaseline(exceedances(1, 20), settings);
    expect(model.designReason).toMatch(/compared with the [24] hours before the deploy \(a quiet service/);
    expect(model.forecast.levelExposure).toBeGreaterThan(60 * 20);
    expect(model.forecast.varLog).toBeLessThan(1 / 60);
    expect(model.boundaryTable).toBe(LATENCY_QUIET_BOUNDARY_TABLE);
  });

  it("keeps the hour before when the share drifts faster than a longer window's count would gain", () => {
    // The share wanders with a 2-hour memory and a log sd of 0.6: what happened 3 hours ago says little about now.
    const model = fitLatencyBaseline(exceedances(2, 20, ar1Multiplier(3, DAYS, Math.exp(-1 / 120), 0.6)), settings);
    expect(model.designReason).toMatch(/^compared with the hour before the deploy/);
    expect(model.forecast.levelExposure).toBe(60 * 20);
    expect(model.boundaryTable).toBe(LATENCY_QUIET_BOUNDARY_TABLE);
  });

  it("judges a busy service on the hour before with the pooled boundaries", () => {
    const model = fitLatencyBaseline(exceedances(4, 300), settings);
    expect(model.designReason).toMatch(/^compared with the hour before the deploy/);
    expect(model.forecast.levelExposure).toBe(60 * 300);
    expect(model.boundaryTable).toBe(LATENCY_BOUNDARY_TABLE);
  });
});
