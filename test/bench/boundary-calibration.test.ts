import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadShippedRule, planOf } from "../../bench/accuracy/judge-panel.ts";
import { RandomSource } from "../../bench/accuracy/random-source.ts";
import { tailShare, TrafficGenerator } from "../../bench/accuracy/traffic-generator.ts";
import { latencyEvidence } from "../../bench/accuracy/sequential-engine-judge.ts";
import { firstLookCritical, judgeCase, makeCase, stageCriticals } from "../../bench/calibration/calibration-case.ts";
import { fitLatencyBaseline } from "../../src/analysis/sequential/latency-baseline.ts";
import { judgeLatencySequential } from "../../src/analysis/sequential/latency-sequential.ts";
import { exceedanceRatioOfTail, floorEffect, settingsFor } from "../../bench/calibration/calibration-jobs.ts";
import { bandOf, budgetWithConfidence, criticalZ, lateFailZ, rateAt, rowOf, smallestZWithin, twoStageFailZ, twoStageRateAt, Z_HIGH, Z_LOW } from "../../bench/calibration/critical-z.ts";

interface Fixture {
  p95: number;
  tail: { rise: number; slowShare: number; exceedanceRatio: number }[];
  floor: { ratio: number; rise: number; slowShare: number };
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/stats/latency-floor.json", import.meta.url), "utf8")) as Fixture;

describe("critical boundaries", () => {
  it("places a release in the band whose lower edge of expected errors per minute it reaches", () => {
    const edges = [0, 0.3, 1, 3];
    expect([0, 0.29, 0.3, 0.99, 1, 2.99, 3, 40].map((e) => bandOf(e, edges))).toEqual([0, 0, 0.3, 0.3, 1, 1, 3, 3]);
    expect(bandOf(Number.NaN, edges)).toBe(0);
  });

  it("bisection finds where a monotone outcome stops, and marks outcomes outside the search range", () => {
    expect(criticalZ((z) => z < 3.21)).toBeCloseTo(3.21, 2);
    expect(criticalZ(() => false)).toBe(-Infinity);
    expect(criticalZ(() => true)).toBe(Infinity);
  });

  it("holds a budget with confidence: the largest k/n whose one-sided Wilson upper bound is within it (scipy)", () => {
    // scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.8, method="wilson").high ≤ 0.05 (one-sided 90 %):
    // the largest k is 50 of 1,200 (upper 0.04971; 51 gives 0.05061), 50 of 1,195, 23 of 600 and 2 of 100.
    expect(budgetWithConfidence(0.05, 1200, 0.9)).toBe(50 / 1200);
    expect(budgetWithConfidence(0.05, 1195, 0.9)).toBe(50 / 1195);
    expect(budgetWithConfidence(0.05, 600, 0.9)).toBe(23 / 600);
    expect(budgetWithConfidence(0.05, 100, 0.9)).toBe(2 / 100);
    expect(budgetWithConfidence(0.05, 10, 0.9)).toBe(0);
  });

  it("picks the smallest z whose rate is within budget: the (⌊target·n⌋ + 1)-th largest critical value", () => {
    const critical = [5, 4, 3, 2, 1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity];
    expect(smallestZWithin(critical, 0.2)).toEqual({ z: 3, atLimit: false });
    expect(rateAt(critical, 3)).toBeCloseTo(0.2, 12);
    expect(rateAt(critical, 2.999)).toBeCloseTo(0.3, 12);
    expect(smallestZWithin(critical, 0.6)).toEqual({ z: Z_LOW, atLimit: false });
    expect(smallestZWithin([Infinity, Infinity, 1], 0.4)).toEqual({ z: Z_HIGH, atLimit: true });
  });

  it("splits the false-fail budget: the early z spends its share of alpha, the late z what is left of alpha", () => {
    // Ten releases: three fail early below z 4–5, the others' late critical values fall from 3.5.
    const early = [5, 4.5, 4, 1, 1, 1, 1, 1, 1, 1];
    const late = [6, 6, 6, 3.5, 3.2, 3.1, 3, 2, 1, 1];
    // Share 0.5 of alpha 0.4: early fails ≤ 0.2 → zE 4 (5 and 4.5 stay above); the late z gets the other 0.2.
    const split = twoStageFailZ(early, late, 0.4, 0.5);
    expect(split).toEqual({ earlyZ: 4, lateZ: 3.2, atLimit: false });
    expect(twoStageRateAt(early, late, split.earlyZ, split.lateZ)).toBeCloseTo(0.4, 12);
    expect(twoStageRateAt(early, late, split.earlyZ, 3.19)).toBeCloseTo(0.5, 12);
    // All of alpha 0.3 spent early (zE 1: three early fails) leaves the late stage no fail: zL above every late value left.
    expect(twoStageFailZ(early, late, 0.3, 1)).toEqual({ earlyZ: 1, lateZ: 3.5, atLimit: false });
    expect(twoStageRateAt(early, late, 1, 3.5)).toBeCloseTo(0.3, 12);
    expect(lateFailZ(early, late, 5, 0.1)).toEqual({ lateZ: 6, atLimit: false });
  });

  it("places a maximum window in the nearest row on a log scale", () => {
    const rows = [30, 60, 120, 240];
    expect([30, 42, 43, 84, 85, 169, 170, 240].map((m) => rowOf(m, rows))).toEqual([30, 30, 60, 60, 120, 120, 240, 240]);
  });
});

describe("the calibration's releases", () => {
  it("the latency detect floor is the tail-only release scipy finds for a 1.5× share beyond the p95", () => {
    const rule = loadShippedRule();
    const floor = floorEffect("latency", settingsFor(rule, "latency"));
    expect(floor.latency.kind).toBe("tail");
    expect(floor.latency.kind === "tail" ? floor.latency.rise : NaN).toBeCloseTo(fixture.floor.rise, 3);
    for (const t of fixture.tail) {
      expect(tailShare(t.rise)).toBeCloseTo(t.slowShare, 6);
      expect(exceedanceRatioOfTail(t.rise)).toBeCloseTo(t.exceedanceRatio, 4);
    }
  });

  it("the rate read from per-release critical values equals the rate of judging every release at that z", () => {
    const rule = loadShippedRule();
    const settings = settingsFor(rule, "errors");
    const generator = new TrafficGenerator({ ...planOf(rule), latencyMinutes: 0 });
    // Releases at ×2 fail at many z: the fail rate as a function of failZ has steps to check.
    const cases = Array.from({ length: 12 }, (_, i) => makeCase("errors", generator, new RandomSource(99, i), 300, 2, { kind: "none" }, settings)!);
    const pair = { failZ: 3, passZ: 2.2 };
    const critical = cases.map((c) => criticalZ((z) => judgeCase(c, settings, { ...pair, failZ: z }) === "fail", 20));
    expect(new Set(critical.map((c) => c.toFixed(2))).size).toBeGreaterThan(3);
    for (const z of [1.5, 2.5, 3.5, 4.5, 5.5]) {
      const direct = cases.filter((c) => judgeCase(c, settings, { ...pair, failZ: z }) === "fail").length / cases.length;
      expect(rateAt(critical, z), `failZ ${z}`).toBeCloseTo(direct, 12);
    }
  });

  it("a two-stage fail rate read from per-stage critical values equals judging every release at (early z, late z)", () => {
    const rule = loadShippedRule();
    const settings = settingsFor(rule, "errors");
    const generator = new TrafficGenerator({ ...planOf(rule), latencyMinutes: 0 });
    const cases = [1, 2].flatMap((factor) => Array.from({ length: 8 }, (_, i) => makeCase("errors", generator, new RandomSource(77, 100 * factor + i), 300, factor, { kind: "none" }, settings)!));
    const pair = { failZ: 3, passZ: 2.2, earlyFailZ: 4, earlyUntilMinutes: 30 };
    const stages = cases.map((c) => stageCriticals(c, settings, pair));
    const early = stages.map((s) => s.early), late = stages.map((s) => s.late);
    expect(new Set(late.map((c) => c.toFixed(2))).size).toBeGreaterThan(3);
    for (const [zE, zL] of [[2, 2], [2.5, 4], [4, 2.5], [5, 3], [3, 5]] as const) {
      const direct = cases.filter((c) => judgeCase(c, settings, { ...pair, earlyFailZ: zE, failZ: zL }) === "fail").length / cases.length;
      expect(twoStageRateAt(early, late, zE, zL), `${zE}/${zL}`).toBeCloseTo(direct, 12);
    }
  });

  it("a ×5 release fails at the first look exactly when its first-look critical value is above the early z", () => {
    const rule = loadShippedRule();
    const settings = settingsFor(rule, "errors");
    const generator = new TrafficGenerator({ ...planOf(rule), latencyMinutes: 0 });
    const pair = { failZ: 3, passZ: 2.2, earlyFailZ: 4, earlyUntilMinutes: 30 };
    let seen = 0;
    for (let i = 0; i < 10; i++) {
      const c = makeCase("errors", generator, new RandomSource(78, i), 300, 5, { kind: "none" }, settings)!;
      const critical = firstLookCritical(c, settings, pair, 10);
      for (const zE of [2, 3, 4, 5, 6]) {
        const first = { ...c, candidate: { ...c.candidate, candidate: c.candidate.candidate.slice(0, 10) } };
        const fails = judgeCase(first, settings, { ...pair, earlyFailZ: zE }) === "fail";
        expect(fails, `release ${i} at ${zE}`).toBe(critical > zE);
        if (fails) seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(50);
  });

  it("a stored latency case is judged exactly as the release's full evidence is", () => {
    const rule = loadShippedRule();
    const settings = settingsFor(rule, "latency");
    const generator = new TrafficGenerator(planOf(rule));
    const statuses: string[] = [];
    for (let i = 0; i < 6; i++) {
      const spec = { kind: "tail", rise: 0.25 } as const;
      const c = makeCase("latency", generator, new RandomSource(5, i), 100, 1, spec, settings)!;
      const release = generator.generate({ rpm: 100, errorFactor: 1, latency: spec, traffic: "normal" }, new RandomSource(5, i));
      const evidence = latencyEvidence(release);
      for (const pair of [{ failZ: 2, passZ: 1 }, { failZ: 4, passZ: 2.5 }]) {
        const direct = judgeLatencySequential(fitLatencyBaseline({ ...evidence.exceed }, settings), evidence, { ...settings, boundaries: pair }).status;
        expect(judgeCase(c, settings, pair)).toBe(direct);
        statuses.push(direct);
      }
    }
    expect(new Set(statuses).size).toBeGreaterThan(1);
  });
});
