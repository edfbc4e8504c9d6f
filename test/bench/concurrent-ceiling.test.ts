import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ceilingPower, concurrentCeilingPower } from "../../bench/accuracy/counterfactual-ceiling.ts";

interface Case { mu0: number; muControl: number; alpha: number; factor: number; power: number }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/stats/concurrent-ceiling.json", import.meta.url), "utf8")) as {
  cases: Case[];
  monteCarlo: (Case & { sims: number })[];
};

describe("concurrent ceiling: the randomized conditional binomial test (scipy reference)", () => {
  it("matches scipy's exact sum over the total to 1e-9", () => {
    for (const c of fixture.cases)
      expect(Math.abs(concurrentCeilingPower(c.mu0, c.muControl, c.factor, c.alpha) - c.power), JSON.stringify(c)).toBeLessThan(1e-9);
  });

  it("rejects exactly alpha of unchanged releases that had any event (the test is exact, not conservative)", () => {
    for (const c of fixture.cases.filter((x) => x.factor === 1)) {
      const anyEvent = 1 - Math.exp(-(c.mu0 + c.muControl));
      expect(concurrentCeilingPower(c.mu0, c.muControl, 1, c.alpha)).toBeCloseTo(c.alpha * anyEvent, 9);
    }
  });

  it("agrees with scipy's Monte Carlo of the same test within three standard errors", () => {
    for (const m of fixture.monteCarlo) {
      const se = Math.sqrt((m.power * (1 - m.power)) / m.sims);
      expect(Math.abs(concurrentCeilingPower(m.mu0, m.muControl, m.factor, m.alpha) - m.power)).toBeLessThan(3 * se);
    }
  });

  it("stays below the perfect counterfactual, which knows the control's rate, and nears it as the control grows", () => {
    expect(concurrentCeilingPower(15, 15, 2, 0.01)).toBeLessThan(ceilingPower(15, 2, 0.01) - 0.2);
    expect(ceilingPower(15, 2, 0.01) - concurrentCeilingPower(15, 1500, 2, 0.01)).toBeLessThan(0.02);
  });

  it("is 0 when either group expects nothing", () => {
    expect(concurrentCeilingPower(0, 10, 2, 0.01)).toBe(0);
    expect(concurrentCeilingPower(10, 0, 2, 0.01)).toBe(0);
  });
});
