import { describe, expect, it } from "vitest";
import { calibrateWander, tau2At } from "../../../src/analysis/sequential/aa-wander.ts";
import { BURST_CAP, capFor, cappedEvents, MIN_FORECAST_EVENTS, WindowCap } from "../../../src/analysis/sequential/burst-winsor.ts";
import { indexSeries } from "../../../src/analysis/sequential/forecast-baseline.ts";
import { fitRateBaseline, judgeRateSequential } from "../../../src/analysis/sequential/rate-sequential.ts";
import type { MinuteCounts, RateEvidence } from "../../../src/analysis/sequential/sequential-types.ts";
import { ERROR_SETTINGS, MINUTE } from "./simulated-service.ts";

const START = Date.UTC(2024, 0, 1, 0, 3);
const CAP = { multiple: 3, sds: 4 };
const steady = (minutes: number, events = 10): MinuteCounts[] => Array.from({ length: minutes }, () => ({ events, exposure: 1000 }));
/** 10 errors a minute at 1000 requests, with a 3-minute ×8 burst starting every `every` minutes. */
const bursty = (minutes: number, every: number): MinuteCounts[] =>
  Array.from({ length: minutes }, (_, i) => ({ events: i % every >= every - 3 ? 80 : 10, exposure: 1000 }));

/** The capped count of the first `minutes` minutes against 10 expected errors a minute. */
function windowSum(minutes: MinuteCounts[], upTo: number): number {
  const window = new WindowCap(CAP);
  minutes.slice(0, upTo).forEach((m) => window.add(m.events, 10));
  window.rescale();
  return window.sum;
}

describe("burst-winsorized error counts", () => {
  it("cuts a minute at max(3·expected, expected + 4·√expected) and leaves smaller counts alone", () => {
    expect(cappedEvents(80, 10, CAP)).toBe(30);
    expect(cappedEvents(25, 10, CAP)).toBe(25);
    expect(cappedEvents(5, 0.25, CAP)).toBeCloseTo(2.25, 12);
    expect(cappedEvents(300, 100, CAP)).toBe(300);
    expect(cappedEvents(500, 100, CAP)).toBe(300);
    expect(cappedEvents(7, 0, CAP)).toBe(7);
  });

  it("takes most of a 3-minute ×8 burst out of a 10-minute count but none of a doubling", () => {
    const burst = steady(10).map((m, i) => (i >= 3 && i < 6 ? { ...m, events: 80 } : m));
    expect(burst.reduce((s, m) => s + m.events, 0)).toBe(310);
    expect(windowSum(burst, 10)).toBe(160);
    expect(windowSum(steady(10, 20), 10)).toBe(200);
  });

  it("moves the cut to the window's median minute once most minutes are beyond it: a sustained ×5 is counted whole, a burst on top is still cut", () => {
    // Under a cut fixed to the forecast the ×5 would count as 300 (30 a minute), a ×3.
    expect(windowSum(steady(10, 50), 10)).toBe(500);
    const burstOnTop = steady(10, 50).map((m, i) => (i === 4 ? { ...m, events: 400 } : m));
    expect(windowSum(burstOnTop, 10)).toBe(9 * 50 + 150);
    // A burst in under half the minutes cannot move the cut; nor can a sustained rise that stays below it.
    const early = steady(10).map((m, i) => (i < 4 ? { ...m, events: 80 } : m));
    expect(windowSum(early, 10)).toBe(4 * 30 + 6 * 10);
    const doubledWithBurst = steady(10, 20).map((m, i) => (i === 2 ? { ...m, events: 80 } : m));
    expect(windowSum(doubledWithBurst, 10)).toBe(9 * 20 + 30);
  });

  it("measures a smaller A/A wander on cut counts when the history has bursts, and the same one when it has none", () => {
    const withBursts = indexSeries(bursty(3 * 1440, 240), START);
    const raw = calibrateWander(withBursts, "before_deploy", 60).calibration;
    const cut = calibrateWander(withBursts, "before_deploy", 60, undefined, CAP).calibration;
    expect(tau2At(raw, 30)).toBeGreaterThan(0.05);
    expect(tau2At(cut, 30)).toBeLessThan(tau2At(raw, 30) / 2);
    const calm = indexSeries(steady(3 * 1440), START);
    expect(calibrateWander(calm, "level", 60, undefined, CAP).calibration.tau2ByMinutes)
      .toEqual(calibrateWander(calm, "level", 60).calibration.tau2ByMinutes);
  });

  it("tests the forecast design on cut counts but shows the change as it is", () => {
    expect(BURST_CAP).toBeDefined();
    const candidate = steady(10).map((m, i) => (i >= 3 && i < 6 ? { ...m, events: 80 } : m));
    const evidence: RateEvidence = { history: steady(3 * 1440), historyStart: START, candidate, candidateStart: START + 3 * 1440 * MINUTE };
    const model = fitRateBaseline(evidence, ERROR_SETTINGS);
    expect(model.design).toBe("forecast");
    const on = judgeRateSequential(model, evidence, ERROR_SETTINGS);
    const off = judgeRateSequential({ ...model, burstCap: undefined }, evidence, ERROR_SETTINGS);
    // 310 errors where 100 were expected: a person is shown ×3.1 either way; the test reads 160 against 100.
    expect(on.stats.relativeChange).toBeCloseTo(2.1, 2);
    expect(off.stats.relativeChange).toBeCloseTo(2.1, 2);
    expect((on.stats.details as { z: number }).z).toBeLessThan((off.stats.details as { z: number }).z / 2);
    expect(on.stats.method).toMatch(/capped at 3× its forecast/);
    // A sustained ×5 from the first minute reads the same on cut and on raw counts, so it fails at the first look.
    const sustained = { ...evidence, candidate: steady(10, 50) };
    const sustainedOn = judgeRateSequential(model, sustained, ERROR_SETTINGS);
    expect((sustainedOn.stats.details as { z: number }).z).toBeCloseTo((judgeRateSequential({ ...model, burstCap: undefined }, sustained, ERROR_SETTINGS).stats.details as { z: number }).z, 9);
    expect(sustainedOn.status).toBe("fail");
    expect(sustainedOn.minutesUsed).toBe(10);
  });

  it("never caps against a forecast resting on too few errors, so a regression from near zero still fails", () => {
    expect(capFor(MIN_FORECAST_EVENTS - 1, CAP)).toBeUndefined();
    expect(capFor(MIN_FORECAST_EVENTS, CAP)).toEqual(CAP);
    // 7 hours at 0.05 errors a minute: about 21 in the level; a handful fewer and the forecast cannot tell a burst.
    const quiet: MinuteCounts[] = Array.from({ length: 3 * 1440 }, (_, i) => ({ events: i % 60 === 0 ? 1 : 0, exposure: 300 }));
    const evidence: RateEvidence = { history: quiet, historyStart: START, candidate: steady(10, 6).map((m) => ({ ...m, exposure: 300 })), candidateStart: START + 3 * 1440 * MINUTE };
    const model = fitRateBaseline(evidence, ERROR_SETTINGS);
    expect(model.forecast.levelEvents).toBeLessThan(MIN_FORECAST_EVENTS);
    expect(judgeRateSequential(model, evidence, ERROR_SETTINGS).status).toBe("fail");
  });
});
