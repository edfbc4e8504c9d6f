import { describe, expect, it } from "vitest";
import { binomialSf } from "../../../src/analysis/binomial-distribution.ts";
import { logRateMixture, type RateSide } from "../../../src/analysis/sequential/binomial-mixture.ts";
import { judgeErrorBudget, rateInterval } from "../../../src/analysis/sequential/error-budget.ts";
import { ERROR_PLAN } from "../../../src/analysis/sequential/look-plan.ts";
import type { MinuteCounts, SequentialSettings, SequentialStatus } from "../../../src/analysis/sequential/sequential-types.ts";
import { RuleSchema } from "../../../src/rules/rule-schema.ts";
import { seededSampler } from "../../support/seeded-sampler.ts";
import { expectAbsolute, expectRelative, readFixture } from "../reference-fixtures.ts";

interface Fixture {
  mixture: { events: number; exposure: number; p0: number; side: RateSide; logMixture: number }[];
  intervals: { events: number; exposure: number; p0: number; low: number; high: number; exactPValue: number }[];
  scenarios: Record<string, { series: [number, number][]; maximum?: number; status: SequentialStatus; minutes: number }>;
  design: {
    p0: number; looks: number[]; failBars: (number | null)[]; passBars: number[];
    failBy15At3Percent: number; failBy15At3Percent200rpm: number; falseFailAtThresholdAlpha05: number;
  };
}

// scripts/reference/error_budget_reference.py: scipy.special.logsumexp, scipy.stats.beta.ppf and binomtest.
const fixture = readFixture<Fixture>("stats/error-budget.json");
const budget = { objective: 0.999, burnRate: 14.4 };
const p0 = 14.4 * 0.001;
const settings = (over: Partial<SequentialSettings> = {}): SequentialSettings => ({
  direction: "increase", fail: { relative: 0, absolute: 0 }, detect: { relative: 1, absolute: 0 },
  minSamples: 100, alpha: 0.005, beta: 0.05, plan: ERROR_PLAN, ...over,
});

/** `minutes` minutes of exactly `rpm` requests, each an error with probability `rate`. */
function release(seed: number, rpm: number, rate: number, minutes: number): MinuteCounts[] {
  const { uniform } = seededSampler(seed);
  return Array.from({ length: minutes }, () => {
    let events = 0;
    for (let i = 0; i < rpm; i++) if (uniform() < rate) events++;
    return { events, exposure: rpm };
  });
}
const binomialSd = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);

describe("error-budget statistics agree with the scipy reference", () => {
  it.each(fixture.mixture)("log mixture ratio of $events errors in $exposure requests against $p0 ($side)", (c) => {
    expectAbsolute(logRateMixture(c.events, c.exposure, c.p0, c.side), c.logMixture, 1e-9 * Math.max(1, Math.abs(c.logMixture)), "log mixture");
  });

  it.each(fixture.intervals)("Clopper–Pearson interval and exact p-value of $events errors in $exposure requests", (c) => {
    const interval = rateInterval(c.events, c.exposure);
    expectAbsolute(interval.low, c.low, 1e-12, "low");
    expectRelative(interval.high, c.high, 1e-10, "high");
    expectRelative(binomialSf(c.events, c.exposure, c.p0), c.exactPValue, 1e-9, "exact p-value");
  });

  it("fails and passes at 20 requests a minute exactly at the error counts the reference finds", () => {
    fixture.design.looks.forEach((t, i) => {
      const n = 20 * t, bar = fixture.design.failBars[i]!, pass = fixture.design.passBars[i]!;
      expect(logRateMixture(bar, n, p0, "above")).toBeGreaterThanOrEqual(Math.log(200));
      expect(logRateMixture(bar - 1, n, p0, "above")).toBeLessThan(Math.log(200));
      if (pass >= 0) expect(logRateMixture(pass, n, p0, "below")).toBeGreaterThanOrEqual(Math.log(20));
      expect(logRateMixture(pass + 1, n, p0, "below")).toBeLessThan(Math.log(20));
    });
  });

  it.each(Object.entries(fixture.scenarios))("judges the literal series '%s' at the look and with the status the reference does", (_, s) => {
    const series = s.series.map(([events, exposure]) => ({ events, exposure }));
    const result = judgeErrorBudget(series, settings({ plan: { ...ERROR_PLAN, maxMaxMinutes: s.maximum ?? 240 } }), budget);
    expect({ status: result.status, minutes: result.minutesUsed }).toEqual({ status: s.status, minutes: s.minutes });
  });
});

describe("error-budget verdicts", () => {
  it("reports the look in the common stats shape: rate against p0, a 95 % interval as a ratio to p0, the objective in words", () => {
    const series = Array.from({ length: 15 }, (_, i) => ({ events: i % 2 === 0 ? 1 : 0, exposure: 20 }));
    const result = judgeErrorBudget(series, settings(), budget);
    const interval = rateInterval(8, 300);
    expect(result).toMatchObject({ status: "continue", design: "reference", minutesUsed: 15, nextLookMinutes: 20, intervalLevel: 0.95, maxMinutes: 240 });
    expect(result.designReason).toBe("against the objective of 99.9 % (a burn rate of 14.4 uses 2 % of the 30-day error budget in an hour)");
    expect(result.stats.baselineValue).toBeCloseTo(p0, 15);
    expect(result.stats.candidateValue).toBeCloseTo(8 / 300, 15);
    expect(result.stats.relativeChange).toBeCloseTo(8 / 300 / p0 - 1, 12);
    expect(result.stats.ciLow).toBeCloseTo(interval.low / p0 - 1, 12);
    expect(result.stats.ciHigh).toBeCloseTo(interval.high / p0 - 1, 12);
    expect(result.stats.pValue).toBeCloseTo(Math.exp(-logRateMixture(8, 300, p0, "above")), 12);
    expect(result.why).toMatch(/8 errors in 300 requests/);
  });

  it("fails a 3 % release (burn 30) within 15 minutes at 200 requests a minute, as often as the exact calculation says", () => {
    const runs = 300;
    const fails = Array.from({ length: runs }, (_, i) => judgeErrorBudget(release(1000 + i, 200, 0.03, 15), settings(), budget))
      .filter((r) => r.status === "fail").length;
    expect(fails / runs).toBeGreaterThan(0.97);
    expect(Math.abs(fails / runs - fixture.design.failBy15At3Percent200rpm)).toBeLessThan(4 * binomialSd(fixture.design.failBy15At3Percent200rpm, runs));
  });

  it("at 20 requests a minute fails a 3 % release by minute 15 only as rarely as any valid test can (9 errors expected)", () => {
    const runs = 400;
    const results = Array.from({ length: runs }, (_, i) => judgeErrorBudget(release(5000 + i, 20, 0.03, 240), settings(), budget));
    const early = results.filter((r) => r.status === "fail" && r.minutesUsed <= 15).length / runs;
    expect(Math.abs(early - fixture.design.failBy15At3Percent)).toBeLessThan(4 * binomialSd(fixture.design.failBy15At3Percent, runs));
    const failMinutes = results.filter((r) => r.status === "fail").map((r) => r.minutesUsed).sort((a, b) => a - b);
    expect(failMinutes.length / runs).toBeGreaterThan(0.95);
    expect(failMinutes[Math.floor(failMinutes.length / 2)]).toBeLessThanOrEqual(60);
  });

  it("passes an unchanged release at 0.05 % errors and 20 requests a minute, mostly at the 25th minute", () => {
    const results = Array.from({ length: 200 }, (_, i) => judgeErrorBudget(release(9000 + i, 20, 0.0005, 240), settings(), budget));
    expect(results.every((r) => r.status === "pass")).toBe(true);
    expect(results.filter((r) => r.minutesUsed === 25).length).toBeGreaterThan(150);
  });

  it("fails at most alpha of 2,000 releases exactly at the burn threshold, over all 47 looks", () => {
    const runs = 2000, alpha = 0.05;
    const fails = Array.from({ length: runs }, (_, i) => judgeErrorBudget(release(20_000 + i, 20, p0, 240), settings({ alpha }), budget))
      .filter((r) => r.status === "fail").length;
    expect(fails / runs).toBeLessThanOrEqual(alpha);
    // The exact chance by dynamic programming (1.7 %): an uncorrected binomial test at every look would far exceed alpha.
    expect(Math.abs(fails / runs - fixture.design.falseFailAtThresholdAlpha05)).toBeLessThan(4 * binomialSd(fixture.design.falseFailAtThresholdAlpha05, runs));
  });

  it("never judges a release better for more errors", () => {
    const rank: Record<SequentialStatus, number> = { pass: 0, continue: 1, nodata: 1, hold: 2, warn: 2, fail: 3 };
    const { uniform } = seededSampler(77);
    for (let trial = 0; trial < 20; trial++) {
      const series = release(300 + trial, 20, 0.005 + 0.02 * uniform(), 240);
      let before = judgeErrorBudget(series, settings(), budget);
      for (let added = 0; added < 30; added++) {
        const m = series[Math.floor(uniform() * 240)]!;
        if (m.events < m.exposure) m.events++;
        const after = judgeErrorBudget(series, settings(), budget);
        expect(rank[after.status]).toBeGreaterThanOrEqual(rank[before.status]);
        if (before.status === "fail") expect(after.minutesUsed).toBeLessThanOrEqual(before.minutesUsed);
        before = after;
      }
    }
  });

  it("is no data without requests, waits for the first look, and never passes on a handful of requests", () => {
    const silent = Array.from({ length: 240 }, () => ({ events: 0, exposure: 0 }));
    expect(judgeErrorBudget(silent, settings(), budget)).toMatchObject({ status: "nodata", minutesUsed: 240, nextLookMinutes: null });
    expect(judgeErrorBudget(silent.slice(0, 30), settings(), budget)).toMatchObject({ status: "continue", minutesUsed: 30, nextLookMinutes: 35 });
    expect(judgeErrorBudget([{ events: 0, exposure: 50 }], settings(), budget)).toMatchObject({ status: "continue", nextLookMinutes: 10 });
    const handful = Array.from({ length: 240 }, (_, i) => ({ events: 0, exposure: i % 5 === 0 ? 1 : 0 }));
    expect(judgeErrorBudget(handful, settings(), budget).status).toBe("nodata");
  });

  it("fails on a flood of errors at the first look, on few requests", () => {
    const flood = Array.from({ length: 10 }, () => ({ events: 2, exposure: 3 }));
    expect(judgeErrorBudget(flood, settings(), budget)).toMatchObject({ status: "fail", minutesUsed: 10 });
  });

  it("rejects impossible minutes and objectives", () => {
    expect(() => judgeErrorBudget([{ events: 3, exposure: 2 }], settings(), budget)).toThrow(/3 errors in 2 requests/);
    expect(() => judgeErrorBudget([], settings(), { objective: 0.9, burnRate: 14.4 })).toThrow(/no error rate inside/);
  });
});

describe("rule schema: the error_budget signal kind", () => {
  const rule = (signal: Record<string, unknown>) =>
    RuleSchema.safeParse({ name: "slo", signals: [{ name: "budget", kind: "error_budget", ...signal }] });
  const messages = (signal: Record<string, unknown>) => {
    const parsed = rule(signal);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("takes an objective without fail floors and defaults the burn rate to 14.4", () => {
    const parsed = rule({ objective: 0.999 });
    expect(parsed.success).toBe(true);
    expect(parsed.data!.signals[0]).toMatchObject({ kind: "error_budget", objective: 0.999, burn_rate: 14.4, fail: { relative: 0, absolute: 0 } });
  });

  it("requires the objective, keeps it within 0.5–0.99999, and refuses a threshold of 100 % errors", () => {
    expect(messages({})).toContain("signals.0.objective: required when kind is error_budget");
    expect(messages({ objective: 0.4, burn_rate: 1 })).toEqual([expect.stringMatching(/^signals\.0\.objective: /)]);
    expect(messages({ objective: 0.999999 })).toEqual([expect.stringMatching(/^signals\.0\.objective: /)]);
    expect(messages({ objective: 0.9, burn_rate: 20 })).toContain("signals.0.burn_rate: burn_rate × (1 − objective) must be below 1");
  });

  it("keeps the options to their kind and fail required for every other kind", () => {
    expect(messages({ kind: "error_rate", objective: 0.999, fail: { relative: 0.5 } })).toContain("signals.0.objective: only for kind: error_budget");
    expect(messages({ kind: "error_rate" })).toContain("signals.0.fail: required");
    expect(messages({ objective: 0.999, direction: "decrease" })).toEqual(["signals.0.direction: error_budget fails on a rise only: increase"]);
    expect(messages({ objective: 0.999, by_route: true })).toContain("signals.0.by_route: not for error_budget");
  });
});
