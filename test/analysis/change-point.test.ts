import { describe, expect, it } from "vitest";
import { attributeChange, detectChangePoint, detectMeanShift, type ChangeCause, type CountPoint, type ValuePoint } from "../../src/analysis/change-point.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

interface ChangeCase {
  kind: "count" | "mean";
  name: string;
  series: (CountPoint | ValuePoint)[];
  expected: { index: number; llr?: number; explained?: number; before: number; after: number; pValue: number };
}

const cases = readFixture<ChangeCase[]>("stats/change-point.json");
const MINUTE = 60_000, T0 = 1_700_000_000_000;

function countSeries(seed: number, minutes: number, rateAt: (minute: number) => number, wander = 0): CountPoint[] {
  const rng = seededSampler(seed);
  return Array.from({ length: minutes }, (_, i) => {
    const mean = 1000 * rateAt(i) * Math.exp(wander * rng.normal() - wander ** 2 / 2);
    return { t: T0 + i * MINUTE, events: rng.poisson(mean), exposure: 1000 };
  });
}

// Permutation p-values from 999 shuffles against the reference's 20 000: both carry Monte Carlo error.
const permutationTolerance = (p: number): number => 4 * Math.sqrt((p * (1 - p)) / 1000) + 0.003;

describe("detectChangePoint: likelihood-ratio scan for one change in a Poisson rate", () => {
  it.each(cases.filter((c) => c.kind === "count"))("matches a brute-force scan with scipy.stats.poisson: $name", ({ series, expected }) => {
    const found = detectChangePoint(series as CountPoint[])!;
    expect(found.index).toBe(expected.index);
    expectRelative(found.llr, expected.llr!, 1e-9, "llr");
    expectRelative(found.before, expected.before, 1e-12, "rate before");
    expectRelative(found.after, expected.after, 1e-12, "rate after");
    expect(Math.abs(found.pValue - expected.pValue)).toBeLessThanOrEqual(permutationTolerance(expected.pValue));
    expect(found.significant).toBe(expected.pValue < 0.01);
  });

  it("finds a step in a literal error-count series at its minute", () => {
    const events = [2, 1, 3, 0, 2, 1, 2, 3, 1, 2, 0, 1, 2, 3, 1, 2, 1, 2, 9, 7, 11, 8, 10, 9, 12, 8, 7, 10, 9, 11];
    const found = detectChangePoint(events.map((e, i) => ({ t: T0 + i * MINUTE, events: e, exposure: 1000 })))!;
    expect([found.index, found.t, found.significant]).toEqual([18, T0 + 18 * MINUTE, true]);
    expect(found.before).toBeCloseTo(29 / 18000, 12);
    expect(found.after).toBeCloseTo(111 / 12000, 12);
    expect(found.pValue).toBe(0.001);
  });

  it("finds a tripled error rate within ±1 minute in 100 seeded series of 60 minutes", () => {
    let within = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const stepAt = 15 + (seed % 30);
      const found = detectChangePoint(countSeries(seed, 60, (i) => (i < stepAt ? 0.005 : 0.015)))!;
      if (found.significant && Math.abs(found.index - stepAt) <= 1) within++;
    }
    expect(within).toBeGreaterThanOrEqual(95);
  });

  it("calls ≥ 95 % of stationary series unchanged, also when the rate wanders more than Poisson noise", () => {
    let quiet = 0, quietWandering = 0;
    for (let seed = 1; seed <= 200; seed++) {
      if (!detectChangePoint(countSeries(seed, 60, () => 0.005))!.significant) quiet++;
      if (!detectChangePoint(countSeries(10_000 + seed, 60, () => 0.02, 0.35))!.significant) quietWandering++;
    }
    expect(quiet).toBeGreaterThanOrEqual(190);
    expect(quietWandering).toBeGreaterThanOrEqual(190);
  });

  it("returns undefined for a series too short to split, and p = 1 when nothing happened at all", () => {
    expect(detectChangePoint(countSeries(1, 5, () => 0.01))).toBeUndefined();
    const silent = detectChangePoint(countSeries(1, 20, () => 0))!;
    expect([silent.llr, silent.pValue, silent.significant]).toEqual([0, 1, false]);
  });

  it("gives the same p-value for the same series and seed", () => {
    const series = countSeries(77, 40, (i) => (i < 25 ? 0.004 : 0.006));
    expect(detectChangePoint(series)).toEqual(detectChangePoint(series));
    expect(detectChangePoint(series, { seed: 1 })!.pValue).not.toBe(detectChangePoint(series, { seed: 2 })!.pValue);
  });
});

describe("detectMeanShift: two-segment least-squares scan", () => {
  it.each(cases.filter((c) => c.kind === "mean"))("matches a brute-force numpy scan: $name", ({ series, expected }) => {
    const found = detectMeanShift(series as ValuePoint[])!;
    expect(found.index).toBe(expected.index);
    expectRelative(found.explained, expected.explained!, 1e-9, "explained");
    expectRelative(found.before, expected.before, 1e-12, "mean before");
    expectRelative(found.after, expected.after, 1e-12, "mean after");
    expect(Math.abs(found.pValue - expected.pValue)).toBeLessThanOrEqual(permutationTolerance(expected.pValue));
  });

  it("calls ≥ 95 % of stationary latency series unchanged and finds a 3-sd step within ±1 minute in ≥ 92 %", () => {
    let quiet = 0, found = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rng = seededSampler(seed);
      const flat = Array.from({ length: 60 }, (_, i) => ({ t: T0 + i * MINUTE, value: 180 + 15 * rng.normal() }));
      if (!detectMeanShift(flat)!.significant) quiet++;
      const stepped = flat.map((p, i) => ({ ...p, value: p.value + (i >= 40 ? 45 : 0) }));
      const shift = detectMeanShift(stepped)!;
      if (shift.significant && Math.abs(shift.index - 40) <= 1) found++;
    }
    expect(quiet).toBeGreaterThanOrEqual(190);
    expect(found).toBeGreaterThanOrEqual(185);
  });

  it("a constant series explains nothing and is not a change", () => {
    const flat = Array.from({ length: 12 }, (_, i) => ({ t: i, value: 5 }));
    expect(detectMeanShift(flat)).toMatchObject({ explained: 0, pValue: 1, significant: false });
  });
});

describe("attributeChange", () => {
  const change = T0 + 30 * MINUTE;
  const deploys: ChangeCause[] = [
    { id: "d1", label: "api v41", at: change - 20 * MINUTE, hosts: ["a1", "a2"] },
    { id: "d2", label: "api v42 batch 1", at: change - 90_000, hosts: ["a1", "a2"] },
    { id: "d3", label: "worker v7", at: change - 30_000, hosts: ["w1", "w2"] },
    { id: "d4", label: "api v42 batch 2", at: change + 5 * MINUTE, hosts: ["a3"] },
  ];

  it("picks the latest event at or before the change when no hosts are known", () => {
    const blamed = attributeChange(change, deploys, { maxLagMs: 15 * MINUTE })!;
    expect([blamed.id, blamed.lagMs]).toEqual(["d3", 30_000]);
    expect(blamed.reason).toContain("worker v7 began 0.5 min before the change");
  });

  it("between two close deploys, prefers the one whose hosts are where the change shows", () => {
    const blamed = attributeChange(change, deploys, { maxLagMs: 15 * MINUTE, changedHosts: ["a1", "a2"] })!;
    expect([blamed.id, blamed.hostOverlap]).toEqual(["d2", 1]);
    expect(blamed.reason).toContain("2 events within 2 min of each other");
  });

  it("prefers a deploy with unknown hosts over one known to be elsewhere", () => {
    const close: ChangeCause[] = [{ id: "x", label: "x", at: change - 10_000, hosts: ["w9"] }, { id: "y", label: "y", at: change - 60_000 }];
    expect(attributeChange(change, close, { maxLagMs: MINUTE * 5, changedHosts: ["a1"] })!.id).toBe("y");
  });

  it("ignores events after the change unless they fall inside its bucket, and anything older than maxLag", () => {
    expect(attributeChange(change, deploys, { maxLagMs: 10 * MINUTE, closeMs: 0 })!.id).toBe("d3");
    const inBucket = [{ id: "late", label: "late", at: change + 20_000 }];
    expect(attributeChange(change, inBucket, { maxLagMs: 10 * MINUTE })).toBeUndefined();
    expect(attributeChange(change, inBucket, { maxLagMs: 10 * MINUTE, toleranceMs: MINUTE })!.id).toBe("late");
    expect(attributeChange(change, [deploys[0]!], { maxLagMs: 10 * MINUTE })).toBeUndefined();
  });

  it("never blames another service's deploy that names no hosts for this service's own jump", () => {
    const own: ChangeCause = { id: "a", label: "checkout v3", at: change - 90_000, service: "checkout" };
    const other: ChangeCause = { id: "b", label: "payments v9", at: change - 30_000, service: "payments" };
    expect(attributeChange(change, [own, other], { maxLagMs: 15 * MINUTE, service: "checkout" })!.id).toBe("a");
    expect(attributeChange(change, [other], { maxLagMs: 15 * MINUTE, service: "checkout" })).toBeUndefined();
  });

  it("blames another service's deploy only when its named hosts overlap the hosts where the change shows", () => {
    const other: ChangeCause = { id: "b", label: "sidecar v2", at: change - 30_000, service: "sidecar", hosts: ["web-1"] };
    expect(attributeChange(change, [other], { maxLagMs: 15 * MINUTE, service: "checkout", changedHosts: ["web-1", "web-2"] })!.id).toBe("b");
    expect(attributeChange(change, [other], { maxLagMs: 15 * MINUTE, service: "checkout", changedHosts: ["web-3"] })).toBeUndefined();
    expect(attributeChange(change, [other], { maxLagMs: 15 * MINUTE, service: "checkout" })).toBeUndefined();
  });
});
