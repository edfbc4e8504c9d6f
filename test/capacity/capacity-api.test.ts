import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacityRules, metricBodies } from "./capacity-fixtures.ts";
import { BANK, bankWorkload } from "./bank-workload.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

const MINUTE = 60_000;
const DATA_START = Date.parse("2026-11-14T00:00:00Z");
const STARTED = Date.parse("2026-11-19T22:00:00Z");
const FINISHED = STARTED + 5 * MINUTE;
const WEEK = 7 * 1440;

describe("capacity models through the API (real app, real SQLite, fake clock)", () => {
  let svc: TestService;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    svc = createTestService({ rulesDir: capacityRules(), now: Date.parse("2026-11-21T12:00:00Z") });
    const changeAt = (FINISHED - DATA_START) / MINUTE;
    const workloads = {
      "accounts": bankWorkload({ seed: 7, minutes: WEEK, start: DATA_START, changeAt, closedCostAfter: BANK.accounts_closed * 1.3, growthPerDay: 0.02 }),
      "accounts-control": bankWorkload({ seed: 8, minutes: WEEK, start: DATA_START, growthPerDay: 0.02 }),
    };
    for (const [service, w] of Object.entries(workloads)) {
      for (const body of metricBodies(service, w)) expect((await svc.request("POST", "/api/v1/metrics", body)).status).toBe(202);
      for (const [phase, timestamp] of [["started", STARTED], ["finished", FINISHED]] as const) {
        const res = await svc.request("POST", "/api/v1/deploys", { service, version: "2.0.0", phase, timestamp });
        ids[service] = ((await res.json()) as { release_id: string }).release_id;
      }
    }
    await svc.container.verdicts.runDue();
  }, 60_000);
  afterAll(() => svc.close());

  it("a release that makes closing an account 30 % dearer warns, naming accounts_closed with its change and CI", async () => {
    const verdict = (await (await svc.request("GET", `/api/v1/releases/${ids.accounts}/verdict`)).json()) as { status: string; summary: string; checks: { signal: string; status: string; reason: string; change: number }[] };
    expect(verdict.status).toBe("warn");
    const check = verdict.checks.find((c) => c.signal === "capacity")!;
    expect(check.status).toBe("warn");
    expect(check.reason).toMatch(/^Cost per unit rose beyond the rule's limit of \+20 %: cpu_percent per accounts_closed \+3\d %, 99 % CI \d\d–\d\d % \(0\.2\d\d → 0\.3\d\d\); the relationship as a whole changed/);
    expect(check.reason).not.toMatch(/per accounts_opened/);
    expect(check.change).toBeGreaterThan(0.24);
    expect(check.change).toBeLessThan(0.36);
    expect(verdict.summary).toMatch(/keep an eye on it: cost per unit rose/);
  });

  it("an unchanged release passes, with the capacity check in the verdict", async () => {
    const verdict = (await (await svc.request("GET", `/api/v1/releases/${ids["accounts-control"]}/verdict`)).json()) as { status: string; checks: { signal: string; status: string; reason: string }[] };
    expect(verdict.checks.find((c) => c.signal === "capacity")).toMatchObject({ status: "pass", reason: expect.stringMatching(/^No cost per unit rose significantly beyond \+20 %/) });
    expect(verdict.status).toBe("pass");
  });

  it("GET /releases/{id}/capacity answers with both fits, every coefficient's change, the Chow test and the headroom's move", async () => {
    const res = await svc.request("GET", `/api/v1/releases/${ids.accounts}/capacity`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; complete: boolean; risen: string[]; before: { n: number; coefficients: { name: string; estimate: number }[] }; after: { n: number }; changes: { name: string; relative: number }[]; chow: { p_value: number; df1: number }; headroom: { moved: number }; windows: { before: { start: string }; after: { end: string } } };
    expect(body).toMatchObject({ status: "warn", complete: true, risen: ["accounts_closed"], windows: { before: { start: "2026-11-18T22:00:00.000Z" }, after: { end: "2026-11-20T22:05:00.000Z" } } });
    expect([body.before.n, body.after.n]).toEqual([288, 288]);
    expect(body.changes.map((c) => c.name)).toEqual(["intercept", "accounts_opened", "accounts_closed"]);
    expect(Math.abs(body.changes[1]!.relative)).toBeLessThan(0.05);
    expect(body.before.coefficients[1]!.estimate).toBeCloseTo(BANK.accounts_opened, 2);
    expect(body.chow).toMatchObject({ df1: 3 });
    expect(body.chow.p_value).toBeLessThan(1e-6);
    expect(body.headroom.moved).toBeLessThan(-0.1);
  });

  it("GET /services/{service}/capacity answers with the current model, the headroom with its trend, and the history by release", async () => {
    const res = await svc.request("GET", "/api/v1/services/accounts/capacity?environment=production");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: object; current: { coefficients: { name: string; estimate: number }[]; r2: number }; headroom: { limit: number; volume_at_limit: number; ratio: number; growth_per_day: number; days_to_limit: number; reason: string }; history: { release_id: string; version: string; status: string; coefficients: { name: string; estimate: number }[] }[] };
    expect(body.model).toEqual({ rule: "accounts", resource: "cpu_percent", limit: 80, volumes: ["accounts_opened", "accounts_closed"], interval_minutes: 5, fit_window_hours: 24, max_cost_rise: 0.2, on_rise: "warn", robust: false });
    expect(body.current.coefficients.map((c) => c.name)).toEqual(["intercept", "accounts_opened", "accounts_closed"]);
    expect(body.current.coefficients[2]!.estimate).toBeCloseTo(BANK.accounts_closed * 1.3, 1);
    expect(body.current.r2).toBeGreaterThan(0.9);
    expect(body.headroom.limit).toBe(80);
    expect(body.headroom.ratio).toBeGreaterThan(1);
    expect(body.headroom.growth_per_day).toBeGreaterThan(0);
    expect(body.headroom.days_to_limit).toBeGreaterThan(0);
    expect(body.headroom.reason).toMatch(/^The resource reaches its limit of 80 at \d+ a minute \(\d\.\d × today's peak\); reached on the current trend \(\+\d+\.\d a day\) in about \d+ days\.$/);
    expect(body.history).toMatchObject([{ release_id: ids.accounts, version: "2.0.0", status: "warn" }]);
    expect(body.history[0]!.coefficients[2]!.estimate).toBeGreaterThan(0.32);
  });

  it("the nightly refit stores one fit per service with a model, and the refit after releases skips complete ones", async () => {
    expect(await svc.container.capacity.refitNightly()).toBe(2);
    expect(await svc.container.capacity.refitReleases()).toBe(0);
    const body = (await (await svc.request("GET", "/api/v1/services/accounts-control/capacity")).json()) as { nightly: { n: number; coefficients: { estimate: number }[] }[] };
    expect(body.nightly).toHaveLength(1);
    expect(body.nightly[0]!.n).toBe(144); // the data ends 12 hours before the clock
  });

  it("both endpoints are in the OpenAPI document, need a token, and answer 404 with a reason when there is no model", async () => {
    const doc = (await (await svc.request("GET", "/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/services/{service}/capacity", "/api/v1/releases/{id}/capacity"]));
    expect((await svc.app.request("/api/v1/services/accounts/capacity")).status).toBe(401);
    const missing = await svc.request("GET", "/api/v1/services/payments/capacity");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(((await missing.json()) as { detail: string }).detail).toBe("The rule for payments in production has no capacity model; add a 'capacity:' block (docs/capacity.md).");
    expect((await svc.request("GET", "/api/v1/releases/nope/capacity")).status).toBe(404);
  });
});
