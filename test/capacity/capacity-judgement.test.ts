import { describe, expect, it } from "vitest";
import type { LinearFit } from "../../src/analysis/capacity/capacity-types.ts";
import { judgeCostRise } from "../../src/analysis/capacity/cost-rise.ts";
import { headroom } from "../../src/analysis/capacity/headroom.ts";
import type { CoefficientChange, FitComparison } from "../../src/analysis/capacity/release-comparison.ts";
import { RuleSchema } from "../../src/rules/rule-schema.ts";

const fitOf = (estimates: Record<string, number>) => ({ coefficients: Object.entries(estimates).map(([name, estimate]) => ({ name, estimate })) }) as unknown as LinearFit;

describe("headroom", () => {
  const fit = fitOf({ intercept: 5, accounts_opened: 0.145, accounts_closed: 0.267 });

  it("finds the volume at the limit at today's mix and the days to reach it on the daily-peak trend", () => {
    const h = headroom(fit, { limit: 80, totals: { accounts_opened: 600, accounts_closed: 400 }, peakVolume: 150,
      dailyPeaks: [100, 110, 120, 130].map((volume, day) => ({ day, volume })) });
    expect(h.mix).toEqual({ accounts_opened: 0.6, accounts_closed: 0.4 });
    expect(h.cost_per_unit).toBeCloseTo(0.1938, 10);
    expect(h.volume_at_limit).toBeCloseTo(75 / 0.1938, 8);
    expect(h.volumes_at_limit!.accounts_closed).toBeCloseTo((0.4 * 75) / 0.1938, 8);
    expect(h.ratio).toBeCloseTo(75 / 0.1938 / 150, 8);
    expect(h.growth_per_day).toBeCloseTo(10, 10);
    expect(h.days_to_limit).toBeCloseTo((75 / 0.1938 - 130) / 10, 8);
    expect(h.reason).toBe("The resource reaches its limit of 80 at 387 a minute (2.6 × today's peak); reached on the current trend (+10.0 a day) in about 26 days.");
  });

  it("gives no date without a growing trend, and no limit when the resource does not grow with volume", () => {
    const flat = headroom(fit, { limit: 80, totals: { accounts_opened: 1, accounts_closed: 1 }, peakVolume: 100, dailyPeaks: [{ day: 0, volume: 100 }, { day: 1, volume: 100 }] });
    expect([flat.growth_per_day, flat.days_to_limit]).toEqual([null, null]);
    expect(flat.reason).toMatch(/fewer than 3 days of history, so no trend\.$/);
    const free = headroom(fitOf({ intercept: 5, a: -0.1 }), { limit: 80, totals: { a: 1 }, peakVolume: 10, dailyPeaks: [] });
    expect(free.volume_at_limit).toBeNull();
  });
});

const change = (name: string, before: number, after: number, p: number, low: number, high: number): CoefficientChange =>
  ({ name, before, after, change: after - before, ci_low: 0, ci_high: 0, relative: after / before - 1, relative_ci_low: low, relative_ci_high: high, p_value: p });
const comparison = (changes: CoefficientChange[], chowP: number) => ({ changes, chow: { f: 12.3, df1: 3, df2: 570, p_value: chowP } }) as unknown as FitComparison;
const settings = { maxCostRise: 0.2, onRise: "fail" as const, confidence: 0.99, resource: "cpu_percent" };

describe("cost per unit rise", () => {
  it("a significant rise beyond the limit takes the rule's status and names the volume, its change and CI", () => {
    const j = judgeCostRise(comparison([change("intercept", 1, 9, 0, 0, 0), change("accounts_opened", 0.145, 0.146, 0.4, -0.02, 0.04), change("accounts_closed", 0.267, 0.347, 1e-9, 0.22, 0.38)], 1e-12), settings);
    expect(j.status).toBe("fail");
    expect(j.reason).toBe("Cost per unit rose beyond the rule's limit of +20 %: cpu_percent per accounts_closed +30 %, 99 % CI 22–38 % (0.267 → 0.347); the relationship as a whole changed (Chow F = 12.3, p = 1.0e-12).");
  });

  it("a rise below the limit, or one that is not significant after splitting α across the volumes, passes", () => {
    expect(judgeCostRise(comparison([change("intercept", 1, 1, 1, 0, 0), change("a", 1, 1.15, 1e-9, 0.1, 0.2)], 1e-9), settings).status).toBe("pass");
    // p = 0.008 < 0.01 alone, but not below 0.01 / 2 with two volumes.
    const two = judgeCostRise(comparison([change("intercept", 1, 1, 1, 0, 0), change("a", 1, 1.5, 0.008, 0.01, 0.99), change("b", 1, 1, 0.5, -0.1, 0.1)], 0.2), settings);
    expect(two.status).toBe("pass");
    expect(two.reason).toBe("No cost per unit rose significantly beyond +20 %; largest change cpu_percent per a +50 %, 99 % CI 1–99 % (1.00 → 1.50); the relationship as a whole did not change significantly (Chow p = 0.200).");
  });
});

describe("the capacity block of a rule", () => {
  const rule = (capacity: object) => RuleSchema.safeParse({ name: "bank", signals: [{ name: "cpu", kind: "metric", metric: "cpu_percent", fail: { relative: 1 } }], capacity });

  it("takes the documented defaults", () => {
    const parsed = rule({ resource: { metric: "cpu_percent", limit: 80 }, volumes: ["accounts_opened"] });
    expect(parsed.success && parsed.data.capacity).toEqual({ source: "builtin", resource: { metric: "cpu_percent", limit: 80 }, volumes: ["accounts_opened"], interval_minutes: 1,
      fit_window_hours: 24, after_delay_minutes: 0, max_cost_rise: 0.2, on_rise: "warn", robust: false, min_points: 20, weight: 1, trend_days: 28,
      reads: { resource: { name: "cpu_percent", source: "builtin", count: false }, volumes: [{ name: "accounts_opened", source: "builtin", count: false }] } });
  });

  it("says where a model is wrong", () => {
    const parsed = rule({ resource: { metric: "cpu_percent", limit: 0 }, volumes: ["a", "a", "cpu_percent"], on_rise: "hold" });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^capacity\.resource\.limit: /), expect.stringMatching(/^capacity\.on_rise: /)]));
    const dup = rule({ resource: { metric: "cpu_percent", limit: 80 }, volumes: ["a", "a", "cpu_percent"] });
    expect(dup.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(["capacity.volumes.1: duplicate volume 'a'", "capacity.volumes.2: the resource cannot also be a volume"]);
  });

  it("reads a series from an outside source: a string is the PromQL or Datadog value query; each block checked as a signal's", () => {
    const parsed = rule({ source: "prometheus", resource: { name: "cpu", limit: 80, query: "avg(cpu{service=\"{{service}}\"})" },
      volumes: [{ name: "opened", query: "sum(increase(opened_total[{{step}}]))" }, { name: "closed", source: "builtin" }] });
    expect(parsed.success && parsed.data.capacity?.reads).toEqual({
      resource: { name: "cpu", source: "prometheus", query: { value: "avg(cpu{service=\"{{service}}\"})" }, count: false },
      volumes: [{ name: "opened", source: "prometheus", query: { value: "sum(increase(opened_total[{{step}}]))" }, count: false }, { name: "closed", source: "builtin", count: false }],
    });
    const es = rule({ source: "elasticsearch", resource: { limit: 80, query: { index: "metrics-*", metric_field: "cpu" } }, volumes: [{ name: "opened", query: { index: "logs-*" } }] });
    expect(es.success && es.data.capacity?.reads.volumes[0]).toMatchObject({ source: "elasticsearch", count: true, query: { index: "logs-*" } });
    const wrong = rule({ resource: { limit: 80, query: "cpu" }, volumes: [{ name: "a", source: "prometheus" }, { name: "b", source: "elasticsearch", query: "x" }, { name: "c", source: "prometheus", query: "x{{nope}}" }] });
    expect(wrong.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "capacity.resource.query: pushed metrics take no query; give source: prometheus, datadog or elasticsearch",
      "capacity.resource.metric: required for pushed metrics (source builtin)",
      "capacity.volumes.0.query: required when source is prometheus",
      "capacity.volumes.1.query: elasticsearch takes a query block ({index, filter, metric_field…}), not a string",
      expect.stringMatching(/^capacity\.volumes\.2\.query\.value: unknown placeholder \{\{nope\}\}/),
    ]);
  });
});
