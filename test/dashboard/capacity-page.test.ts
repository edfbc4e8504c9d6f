import { afterAll, describe, expect, it } from "vitest";
import type { ServiceCapacity } from "../../src/capacity/capacity-types.ts";
import { capacityPageRoutes } from "../../src/dashboard/capacity-page.tsx";
import { AppError } from "../../src/http/app-error.ts";
import { createRouter } from "../../src/http/app.ts";
import { ADMIN_TOKEN, createTestService } from "../support/test-service.ts";
import { bankWorkload } from "../capacity/bank-workload.ts";
import { capacityRules, metricBodies } from "../capacity/capacity-fixtures.ts";

const coefficient = (name: string, estimate: number, half: number) => ({ name, estimate, se: half / 2, ci_low: estimate - half, ci_high: estimate + half, t: 10, p_value: 0.001 });

/** The capacity service's documented answer (GET /api/v1/services/{service}/capacity), as literal numbers. */
const CHECKOUT: ServiceCapacity = {
  service: "checkout", environment: "production",
  model: { rule: "default", resource: "cpu_percent", limit: 80, volumes: ["checkouts", "searches"], interval_minutes: 1, fit_window_hours: 24, max_cost_rise: 0.2, on_rise: "warn", robust: false },
  window: { start: "2026-11-20T12:00:00.000Z", end: "2026-11-21T12:00:00.000Z" },
  current: {
    method: "ols", n: 1440, df: 1437, confidence: 0.99, coefficients: [coefficient("intercept", 5, 1), coefficient("checkouts", 0.12, 0.01), coefficient("searches", 0.004, 0.001)],
    r2: 0.934, adj_r2: 0.93, residual_sd: 2.1, rss: 6300, condition_number: 3, vif: { checkouts: 1.2, searches: 1.2 }, warnings: [],
    // The API names the resource's mean `resource` (least-squares.ts), whatever the metric is called.
    means: { checkouts: 200, searches: 3000, resource: 41.7 },
  },
  headroom: {
    limit: 80, mix: { checkouts: 0.0625, searches: 0.9375 }, cost_per_unit: 0.01125, peak_volume: 500, resource_at_peak: 52.3, volume_at_limit: 1234.5,
    volumes_at_limit: { checkouts: 77, searches: 1157 }, ratio: 2.47, growth_per_day: 20, days_to_limit: 37.2, reason: "",
  },
  reason: "",
  history: [
    { release_id: "rel-1", version: "1.4.1", fitted_at: "2026-11-19T10:00:00.000Z", status: "pass", complete: true, n: 30, r2: 0.9,
      coefficients: [coefficient("intercept", 5, 1), coefficient("checkouts", 0.118, 0.02), coefficient("searches", 0.0041, 0.001)], volume_at_limit: 1250 },
    { release_id: "rel-2", version: "1.4.2", fitted_at: "2026-11-21T10:00:00.000Z", status: "warn", complete: true, n: 30, r2: 0.88,
      coefficients: [coefficient("intercept", 5, 1), coefficient("checkouts", 0.161, 0.02), coefficient("searches", 0.0042, 0.001)], volume_at_limit: 980 },
  ],
  nightly: [],
};

const svc = createTestService({ env: { DEPLOY_GUARD_OPEN_READS: "true" } });
const app = createRouter();
capacityPageRoutes(app, svc.container, (service) => {
  if (service === "young") return { ...CHECKOUT, service, headroom: { ...CHECKOUT.headroom!, growth_per_day: null, days_to_limit: null } };
  if (service === "flat") return { ...CHECKOUT, service, headroom: { ...CHECKOUT.headroom!, growth_per_day: -3, days_to_limit: null } };
  if (service !== "checkout") throw new AppError("NOT_FOUND", `The rule for ${service} in production has no capacity model.`);
  return CHECKOUT;
});
afterAll(() => svc.close());

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } });
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

describe("capacity page", () => {
  it("shows the headroom, actual against predicted CPU and the cost per unit of each operation by release", async () => {
    const res = await get("/services/checkout/capacity");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page = text(await res.text());
    expect(page).toContain("Capacity: checkout production");
    expect(page).toContain("cpu_percent reaches its limit of 80 at about 1,235 operations per 1 min: 2.47 times today's busiest interval.");
    expect(page).toContain("about 37.2 days away");
    // 5 + 0.12 × 200 + 0.004 × 3000 = 41 predicted, against 41.7 measured.
    expect(page).toContain("Average, last 24 h 41.7 41 80");
    expect(page).toContain("Busiest interval today – 52.3 80");
    expect(page).toContain("R² 0.934 over 1440 intervals");
    expect(page).toContain("cpu_percent per checkouts cpu_percent per searches");
    expect(page).toMatch(/1\.4\.2 2026-11-21 10:00 UTC ! costs more 0\.161 \(0\.141 – 0\.181\) 0\.0042 \(0\.0032 – 0\.0052\) 980 1\.4\.1 .* ✓ no change 0\.118/);
  });

  it("speaks Simplified Chinese when asked", async () => {
    const page = text(await (await get("/services/checkout/capacity?lang=zh-CN")).text());
    expect(page).toContain("容量：checkout");
    expect(page).toContain("在每 1 分钟约 1,235 次操作时达到上限 80");
    expect(page).toContain("! 成本上升");
  });

  it("is served by the real app behind the dashboard's read check, from the capacity service", async () => {
    const closed = createTestService();
    try {
      const anonymous = await closed.app.request("/services/checkout/capacity");
      expect(anonymous.status).not.toBe(200);
      const res = await closed.request("GET", "/services/checkout/capacity");
      // The shipped default rule has no capacity model, so the capacity service answers "not found" with its reason.
      expect(res.status).toBe(404);
      expect(text(await res.text())).toContain("has no capacity model");
    } finally {
      closed.close();
    }
  });

  it("answers 404 with the reason when the service has no capacity model, and never shows a token", async () => {
    const res = await get("/services/search/capacity");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(text(html)).toContain("The rule for search in production has no capacity model.");
    expect(html).not.toContain(ADMIN_TOKEN);
  });

  it("says there is too little history for a trend, and 'not growing' only when a trend was measured", async () => {
    const young = text(await (await get("/services/young/capacity")).text());
    expect(young).toContain("There is too little history to tell whether traffic is growing: the trend needs at least 3 days.");
    expect(young).not.toContain("not growing");
    expect(text(await (await get("/services/young/capacity?lang=zh-CN")).text())).toContain("历史太短，看不出流量是否在增长");
    expect(text(await (await get("/services/flat/capacity")).text())).toContain("Traffic is not growing towards the limit.");
  });

  it("keeps its wide tables inside a scrolling box, so the page fits a phone", async () => {
    const html = await (await get("/services/checkout/capacity")).text();
    expect(html).toContain('<div class="table-wrap"><table class="capacity-actual">');
    expect(html).toContain('<div class="table-wrap"><table class="capacity-cost">');
  });
});

describe("capacity page and service page on a real model (real fit, two days of pushed metrics)", () => {
  const DATA_START = Date.parse("2026-11-19T12:00:00Z");
  const real = createTestService({ rulesDir: capacityRules(), now: DATA_START + 2 * 1440 * 60_000, env: { DEPLOY_GUARD_OPEN_READS: "true" } });
  afterAll(() => real.close());

  it("shows the measured average in the Actual column and says two days are too few for a trend", async () => {
    for (const body of metricBodies("accounts", bankWorkload({ seed: 7, minutes: 2 * 1440, start: DATA_START }))) {
      expect((await real.request("POST", "/api/v1/metrics", body)).status).toBe(202);
    }
    const res = await real.app.request("/services/accounts/capacity?lang=en");
    expect(res.status).toBe(200);
    const page = text(await res.text());
    const row = page.match(/Average, last 24 h (\S+) (\S+) 80/);
    expect(row?.[1]).toMatch(/^\d+(\.\d+)?$/);
    // The model fits its own data: the measured mean and the prediction at the mean volumes agree to 3 digits.
    expect(row?.[1]).toBe(row?.[2]);
    expect(page).toContain("too little history");
  }, 30_000);

  it("links 'Capacity' from a service page only when the service has a capacity model", async () => {
    expect(await (await real.app.request("/services/accounts?lang=en")).text()).toContain('href="/services/accounts/capacity?environment=production"');
    expect(await (await real.app.request("/services/pay?lang=en")).text()).not.toContain("/capacity");
  });
});
