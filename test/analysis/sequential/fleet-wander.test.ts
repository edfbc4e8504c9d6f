import { describe, expect, it } from "vitest";
import { calibrateWander } from "../../../src/analysis/sequential/aa-wander.ts";
import { FLEET_WANDER_CURVE, FLEET_WINDOWS, fleetTau2At, shrinkToFleet } from "../../../src/analysis/sequential/fleet-wander.ts";
import { indexSeries } from "../../../src/analysis/sequential/forecast-baseline.ts";
import type { WanderCalibration } from "../../../src/analysis/sequential/sequential-types.ts";

const calibration = (tau2: number, pairs: number): WanderCalibration => ({
  tau2ByMinutes: new Float64Array(240).fill(tau2), pairs, historyMinutes: pairs * 30, aaLogRatios: new Float64Array(0),
});

describe("the fleet's wander curve", () => {
  it("reads the table at its points, interpolates in log(minutes) between them and is flat outside", () => {
    expect(fleetTau2At(30)).toBe(0.0275);
    expect(fleetTau2At(5)).toBe(FLEET_WANDER_CURVE[0]![1]);
    expect(fleetTau2At(600)).toBe(0.0127);
    // √(60·90) minutes is halfway between the 60- and 90-minute points in log(minutes).
    expect(fleetTau2At(Math.sqrt(60 * 90))).toBeCloseTo((0.0216 + 0.0202) / 2, 10);
  });

  it("never rises with the window: the wander of a longer window is never larger", () => {
    for (let m = 11; m <= 240; m++) expect(fleetTau2At(m)).toBeLessThanOrEqual(fleetTau2At(m - 1));
  });
});

describe("shrinking a service's A/A wander toward the fleet's", () => {
  it("keeps a short window's own estimate, which rests on every A/A pair", () => {
    const shrunk = shrinkToFleet(calibration(0.08, 144));
    // 10 minutes: 144 independent windows against the curve's 20.
    expect(shrunk.tau2ByMinutes[9]).toBeCloseTo((144 * 0.08 + FLEET_WINDOWS * fleetTau2At(10)) / (144 + FLEET_WINDOWS), 12);
    expect(shrunk.tau2ByMinutes[9]).toBeGreaterThan(0.07);
  });

  it("lifts a 4-hour estimate of 0 (18 independent windows in 3 days) about halfway to the curve", () => {
    const shrunk = shrinkToFleet(calibration(0, 144));
    const expected = (FLEET_WINDOWS * fleetTau2At(240)) / (144 * (30 / 240) + FLEET_WINDOWS);
    expect(shrunk.tau2ByMinutes[239]).toBeCloseTo(expected, 12);
    expect(shrunk.tau2ByMinutes[239]).toBeGreaterThan(0.4 * fleetTau2At(240));
  });

  it("leans less on the curve the longer the history", () => {
    const three = shrinkToFleet(calibration(0.05, 144)).tau2ByMinutes[239]!;
    const seven = shrinkToFleet(calibration(0.05, 336)).tau2ByMinutes[239]!;
    expect(Math.abs(seven - 0.05)).toBeLessThan(Math.abs(three - 0.05));
  });

  it("leaves the A/A log ratios (the '1 in N windows' sentence) as they were", () => {
    const own = { ...calibration(0.02, 144), aaLogRatios: Float64Array.of(-0.1, 0, 0.2) };
    expect(shrinkToFleet(own).aaLogRatios).toBe(own.aaLogRatios);
  });
});

describe("the A/A estimate's precision under a heavy tail", () => {
  const START = Date.UTC(2024, 0, 1, 0, 3);
  // Poisson-like noise around 10 errors a minute from a fixed pseudo-random sequence, optionally with 3-minute ×8
  // bursts at random times about every 4 hours.
  const series = (bursts: boolean) => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    return indexSeries(Array.from({ length: 3 * 1440 }, () => ({ events: 10 + Math.round(6 * (next() + next() - 1)), exposure: 1000 }))
      .map((m, i) => (bursts && i % 240 >= 237 && (Math.floor(i / 240) * 7) % 3 === 0 ? { ...m, events: 80 } : m)), START);
  };

  it("counts a calm service's windows whole and a bursty one's as a fraction (2 / (κ − 1) of them)", () => {
    const calm = calibrateWander(series(false), "before_deploy", 60).calibration.kurtosisShare!;
    const bursty = calibrateWander(series(true), "before_deploy", 60).calibration.kurtosisShare!;
    expect(calm[9]).toBeGreaterThan(0.7);
    expect(bursty[9]).toBeLessThan(0.5 * calm[9]!);
  });

  it("so a bursty service's estimate leans further on the fleet's curve", () => {
    const own = calibrateWander(series(true), "before_deploy", 60).calibration;
    const shrunk = shrinkToFleet(own).tau2ByMinutes[9]!;
    const asIfNormal = shrinkToFleet({ ...own, kurtosisShare: undefined }).tau2ByMinutes[9]!;
    const fleet = fleetTau2At(10);
    expect(Math.abs(shrunk - fleet)).toBeLessThan(Math.abs(asIfNormal - fleet));
  });
});
