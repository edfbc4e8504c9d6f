import { describe, expect, it } from "vitest";
import { AnalysisInputError } from "../../../src/analysis/analysis-error.ts";
import { fitConcurrent, judgeConcurrent } from "../../../src/analysis/sequential/concurrent-judge.ts";
import type { MinuteCounts, SequentialSettings } from "../../../src/analysis/sequential/sequential-types.ts";

const settings: SequentialSettings = {
  direction: "increase", fail: { relative: 0.5, absolute: 0.001 }, detect: { relative: 1, absolute: 0.001 }, minSamples: 100,
  alpha: 0.005, beta: 0.05, plan: { firstLookMinutes: 10, lookEveryMinutes: 1, eventsAtMax: 100, minMaxMinutes: 30, maxMaxMinutes: 240 },
};
const minutes = (n: number, events: number, exposure: number): MinuteCounts[] => Array.from({ length: n }, () => ({ events, exposure }));
const DAY = 1440;
// A day of both groups at 0.5 % errors; the candidate group runs at 1.5× the control's (ρ = 1.5).
const fitted = fitConcurrent(minutes(DAY, 15, 2000), minutes(DAY, 10, 2000), settings);

describe("fitConcurrent: the groups' usual ratio and wander from a day of history", () => {
  it("measures ρ with bounds around it and no wander in a steady history", () => {
    expect(fitted).toMatchObject({ rho: 1.5, exchangeable: false, historyMinutes: DAY, pairs: 48 });
    expect(fitted.rhoLow).toBeLessThan(1.5);
    expect(fitted.rhoHigh).toBeGreaterThan(1.5);
    expect(fitted.rhoHigh - 1.5).toBeLessThan(0.15);
    expect(fitted.groupTau2).toBe(0);
  });

  it("with under 24 h of history the groups cannot be compared, and the judge says why", () => {
    const model = fitConcurrent(minutes(DAY - 1, 15, 2000), minutes(DAY, 10, 2000), settings);
    const result = judgeConcurrent(model, minutes(30, 10, 1000), minutes(30, 10, 1000), settings, 60);
    expect(result.status).toBe("nodata");
    expect(result.why).toMatch(/24 h/);
  });

  it("without events in one group's history ρ is unknown: nodata", () => {
    const model = fitConcurrent(minutes(DAY, 0, 2000), minutes(DAY, 10, 2000), settings);
    expect(model.unavailable).toMatch(/no events in the candidate group/);
  });

  it("a fresh old-version group the caller declares exchangeable is compared at ρ = 1 with the whole budget", () => {
    const model = fitConcurrent([], minutes(DAY, 10, 2000), settings, true);
    expect(model).toMatchObject({ rho: 1, rhoLow: 1, rhoHigh: 1, exchangeable: true, pairs: 0 });
    const result = judgeConcurrent(model, minutes(10, 10, 1000), minutes(10, 10, 1000), settings, 60);
    expect(result.stats.details.failThreshold).toBeCloseTo(Math.log(1 / 0.005), 12);
    expect(result.designReason).toMatch(/fresh group/);
  });
});

describe("judgeConcurrent: looks every minute, stops at the first decisive one", () => {
  const steady = (n: number) => [minutes(n, 15, 1000), minutes(n, 10, 1000)] as const;

  it("passes only from the first look at 10 minutes, even when the evidence is decisive earlier", () => {
    const [c, d] = [minutes(60, 150, 10000), minutes(60, 100, 10000)];
    expect(judgeConcurrent(fitted, c.slice(0, 9), d.slice(0, 9), settings, 60)).toMatchObject({ status: "continue", nextLookMinutes: 10 });
    expect(judgeConcurrent(fitted, c, d, settings, 60)).toMatchObject({ status: "pass", minutesUsed: 10 });
  });

  it("fails a clear rise before the first look: the test is valid at every minute", () => {
    const result = judgeConcurrent(fitted, minutes(60, 60, 1000), minutes(60, 10, 1000), settings, 60);
    expect(result.status).toBe("fail");
    expect(result.minutesUsed).toBeLessThan(5);
    expect(result.stats.relativeChange).toBeCloseTo(3, 12);
  });

  it("a replay judges exactly as the live run did: the same minute and numbers from longer data", () => {
    const c = [...minutes(4, 15, 1000), ...minutes(56, 40, 1000)], d = minutes(60, 10, 1000);
    const replay = judgeConcurrent(fitted, c, d, settings, 120);
    const live = judgeConcurrent(fitted, c.slice(0, replay.minutesUsed), d.slice(0, replay.minutesUsed), settings, 120);
    expect(replay.status).toBe("fail");
    expect(live).toEqual(replay);
  });

  it("a significant rise below the fail floors is not a fail; ruled out as ×2 and above the warn floor, it is a warn", () => {
    const c = minutes(60, 1725, 100000), d = minutes(60, 1000, 100000); // ×1.15 of the usual ratio, 1.5
    const strict = judgeConcurrent(fitted, c, d, settings, 60);
    expect(strict.status).toBe("pass");
    expect(strict.stats.details.logMixtureFail).toBeGreaterThan(strict.stats.details.failThreshold!);
    const warned = judgeConcurrent(fitted, c, d, { ...settings, warn: { relative: 0.1, absolute: 0.0001 } }, 60);
    expect(warned).toMatchObject({ status: "warn", minutesUsed: 10 });
  });

  it("a size from outside replaces the count ratio in the floors (latency), and no size means no fail yet", () => {
    const c = minutes(60, 60, 1000), d = minutes(60, 10, 1000);
    expect(judgeConcurrent(fitted, c, d, settings, 30, () => ({ relative: 0.1, absolute: 0.01 })).status).not.toBe("fail");
    expect(judgeConcurrent(fitted, c, d, settings, 30, () => undefined).status).not.toBe("fail");
    expect(judgeConcurrent(fitted, c, d, settings, 30, (m) => (m >= 7 ? { relative: 0.8, absolute: 0.01 } : undefined)))
      .toMatchObject({ status: "fail", minutesUsed: 7 });
  });

  it("holds only at the maximum, and says why", () => {
    const [c, d] = [minutes(30, 0, 100), minutes(30, 0, 100)];
    c[3] = { events: 1, exposure: 100 };
    expect(judgeConcurrent(fitted, c.slice(0, 29), d.slice(0, 29), settings, 30)).toMatchObject({ status: "continue", nextLookMinutes: 30 });
    const result = judgeConcurrent(fitted, c, d, settings, 30);
    expect(result).toMatchObject({ status: "hold", minutesUsed: 30, nextLookMinutes: null });
    expect(result.why).toMatch(/maximum.*1 events on the new version against 0/);
  });

  it("never passes without requests: too few on the new version at the maximum is nodata", () => {
    const result = judgeConcurrent(fitted, minutes(30, 0, 3), minutes(30, 10, 1000), settings, 30);
    expect(result.status).toBe("nodata");
    expect(result.why).toMatch(/only 90 requests/);
  });

  it("reports the comparison in the common shape: baseline ρ × control rate, a 95 % interval, an anytime-valid p", () => {
    const [c, d] = steady(12);
    const result = judgeConcurrent(fitted, c, d, settings, 60);
    expect(result).toMatchObject({ design: "concurrent", intervalLevel: 0.95, lowAssurance: false });
    expect(result.stats.baselineValue).toBeCloseTo(1.5 * 0.01, 12);
    expect(result.stats.candidateValue).toBeCloseTo(0.015, 12);
    expect(result.stats.ciLow).toBeLessThan(0);
    expect(result.stats.ciHigh).toBeGreaterThan(0);
    expect(result.stats.pValue).toBeCloseTo(Math.min(1, Math.exp(-result.stats.details.logMixtureFail!)), 12);
    expect(Object.keys(result.stats.details)).toEqual(expect.arrayContaining(
      ["rho", "rhoLow", "rhoHigh", "groupTau2", "logMixtureFail", "logMixturePass", "minutes"]));
  });

  it("judges a drop when the bad direction is a decrease", () => {
    const down = { ...settings, direction: "decrease" as const, detect: { relative: 0.5, absolute: 0 }, fail: { relative: 0.3, absolute: 0 } };
    const result = judgeConcurrent(fitted, minutes(30, 3, 1000), minutes(30, 10, 1000), down, 30);
    expect(result.status).toBe("fail");
    expect(result.stats.relativeChange).toBeCloseTo(-0.8, 12);
  });

  it("rejects impossible counts instead of judging them", () => {
    expect(() => judgeConcurrent(fitted, [{ events: -1, exposure: 10 }], [{ events: 1, exposure: 10 }], settings, 30))
      .toThrow(AnalysisInputError);
  });
});

