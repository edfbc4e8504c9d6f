import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ceilingPower, criticalCount, poissonSf } from "../../bench/accuracy/counterfactual-ceiling.ts";

interface Fixture {
  cases: { mu0: number; alpha: number; factor: number; critical: number; power: number }[];
  tails: { k: number; mu: number; sf: number }[];
  fleet: { rpm: number; minutes: number; factor: number; alpha: number; meanPower: number }[];
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/stats/counterfactual-ceiling.json", import.meta.url), "utf8")) as Fixture;

describe("perfect-counterfactual ceiling (scipy.stats.poisson reference)", () => {
  it("Poisson upper tails match scipy from μ 0.3 to 3000", () => {
    for (const t of fixture.tails) expect(poissonSf(t.k, t.mu)).toBeCloseTo(t.sf, 10);
  });

  it("the exact test's critical count is the one scipy's isf gives, and keeps its level", () => {
    for (const c of fixture.cases) {
      const got = criticalCount(c.mu0, c.alpha);
      expect(got, `μ0 ${c.mu0}, α ${c.alpha}`).toBe(c.critical);
      expect(poissonSf(got, c.mu0)).toBeLessThanOrEqual(c.alpha);
    }
  });

  it("power at each effect matches scipy to 1e-9", () => {
    for (const c of fixture.cases) expect(Math.abs(ceilingPower(c.mu0, c.factor, c.alpha) - c.power)).toBeLessThan(1e-9);
  });

  it("reproduces the review's fleet ceilings: ×2 at 20 rpm is 29 % in 30 min and 92 % in 4 h", () => {
    for (const f of fixture.fleet) {
      const rates = Array.from({ length: 400 }, (_, i) => Math.exp(Math.log(0.002) + (i / 399) * Math.log(10)));
      const mean = rates.reduce((s, r) => s + ceilingPower(f.rpm * f.minutes * r, f.factor, f.alpha), 0) / rates.length;
      expect(mean).toBeCloseTo(f.meanPower, 9);
    }
  });
});
