import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { beforeAfterCeilingPower, glsLevel, mixturePower } from "../../bench/accuracy/before-after-ceiling.ts";
import { ceilingPower } from "../../bench/accuracy/counterfactual-ceiling.ts";
import { RandomSource } from "../../bench/accuracy/random-source.ts";
import type { WindowPlan } from "../../bench/accuracy/release-scenario.ts";
import { TrafficGenerator } from "../../bench/accuracy/traffic-generator.ts";
import { MODEL } from "../../bench/accuracy/traffic-model.ts";

interface Case { known: number; variance: number; level: number; factor: number; alpha: number; power: number }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/stats/before-after-ceiling.json", import.meta.url), "utf8")) as {
  levels: Record<string, { variance: number; weights: number[] }>;
  cases: Case[];
};
const rho = { slow: MODEL.errorSlow.rho, fast: MODEL.errorFast.rho }, sd = { slow: MODEL.errorSlow.sd, fast: MODEL.errorFast.sd };

describe("before/after ceiling: the oracle that is denied only the window's wander level (numpy/scipy reference)", () => {
  it("finds the GLS level's weights and variance of numpy's solve (v = 0.0185 at 10 minutes)", () => {
    for (const [minutes, ref] of Object.entries(fixture.levels)) {
      const fit = glsLevel(Number(minutes), rho, sd);
      expect(fit.variance).toBeCloseTo(ref.variance, 10);
      ref.weights.forEach((w, i) => expect(fit.weights[i]).toBeCloseTo(w, 10));
    }
    expect(fixture.levels["10"]!.variance).toBeCloseTo(0.0185, 4);
  });

  it("matches scipy's integrated Poisson–log-normal test to 1e-6", () => {
    for (const c of fixture.cases)
      expect(Math.abs(mixturePower(c.known, c.variance, c.level, c.factor, c.alpha) - c.power), JSON.stringify(c)).toBeLessThan(1e-6);
  });

  it("spends exactly alpha on an unchanged window averaged over the unknown level, and never beats knowing the level", () => {
    // E over U ~ N(0, v) of the power at factor 1: the test's size. By the normal grid's own weights.
    const v = fixture.levels["10"]!.variance;
    let size = 0, total = 0;
    for (let z = -8; z <= 8; z += 0.05) {
      const w = Math.exp(-z * z / 2);
      size += w * mixturePower(6, v, Math.sqrt(v) * z, 1, 0.01);
      total += w;
    }
    expect(size / total).toBeCloseTo(0.01, 6);
    // Against the same randomized test with the level known (v → 0): the perfect counterfactual's test, randomized.
    for (const known of [2, 6, 20]) expect(mixturePower(known, v, 0, 5, 0.01)).toBeLessThan(mixturePower(known, 1e-12, 0, 5, 0.01));
    expect(mixturePower(20, 1e-12, 0, 5, 0.01)).toBeGreaterThanOrEqual(ceilingPower(20, 5, 0.01));
  });

  it("reads a generated before/after release's wander: a ×5 window at 300 rpm is almost always within the oracle's reach", () => {
    const plan: WindowPlan = { baselineMinutes: 60, analysisMinutes: 240, latencyMinutes: 0, fixedMinutes: 30, intervalMinutes: 5, earlyFailAfter: 2 };
    const gen = new TrafficGenerator(plan, 1440);
    const powers = Array.from({ length: 40 }, (_, s) => {
      const r = gen.generate({ rpm: 300, errorFactor: 5, latency: { kind: "none" }, traffic: "normal" }, new RandomSource(9, s));
      return beforeAfterCeilingPower(r.wanderPath, r.deployAt, 10, 5, 0.01);
    });
    const mean = powers.reduce((a, b) => a + b, 0) / powers.length;
    expect(mean).toBeGreaterThan(0.98);
    expect(mean).toBeLessThan(1);
    // The window's known mean (unwandered × the wander's conditional path) is what the count follows: with no effect,
    // 40 releases' first 10 minutes hold about as many errors as the oracle expects.
    let seen = 0, expected = 0;
    for (let s = 0; s < 40; s++) {
      const r = gen.generate({ rpm: 300, errorFactor: 1, latency: { kind: "none" }, traffic: "normal" }, new RandomSource(10, s));
      for (let i = r.deployAt; i < r.deployAt + 10; i++) {
        seen += r.minutes[i]!.errors;
        const p = r.wanderPath;
        expected += p.unwandered[i]! * Math.exp(p.slow[i]! + p.fast[i]! - p.logMeanFix) * p.burst[i]!;
      }
    }
    expect(seen / expected).toBeGreaterThan(0.9);
    expect(seen / expected).toBeLessThan(1.1);
  });
});
