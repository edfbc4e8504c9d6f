import { afterEach, describe, expect, it } from "vitest";
import { fixedWindow, rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const NOW = Date.parse("2026-11-21T12:00:30Z");

let svc: TestService;
afterEach(() => svc?.close());

// The shipped default rule sets no absolute limit; these services get one on their error rate, as a team would.
const withLimit = (yaml: string) => yaml.replace("    min_samples: 200\n", "    min_samples: 200\n    limit: 0.05\n");
// cart-fixed keeps the fixed-window engine, whose interim checks can fail while the release is still being watched.
const rulesDir = rulesWith({
  shop: { service: "shop", edit: withLimit }, quiet: { service: "quiet", edit: withLimit }, "cart-fixed": { service: "cart-fixed", edit: fixedWindow },
});
const start = () => createTestService({ now: NOW, rulesDir });

async function logs(service: string, perMinute: number, errorRate: number, seed: number, minutes = 10) {
  const events = generateTraffic({ service, start: NOW - (minutes - 1) * MIN - 30_000, minutes, perMinute, errorRate, latencyMs: 80, seed });
  expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
  return events;
}

const deploy = async (service: string, version: string, phase: string, timestamp: number) => {
  const res = await svc.request("POST", "/api/v1/deploys", { service, version, phase, timestamp });
  expect(res.status).toBe(202);
  return ((await res.json()) as { release_id: string }).release_id;
};

async function gate(service: string) {
  const res = await svc.request("GET", `/api/v1/services/${service}/gate?environment=production`);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; reason: string; checks: { check: string; status: string; reason: string; release_id: string | null; stats: Record<string, any> | null }[] };
}

describe("pre-deploy gate", () => {
  it("holds while the running release has failed and was not rolled back, and lets go once it is", async () => {
    svc = start();
    const id = await deploy("shop", "2.0.0", "started", NOW - 20 * MIN);
    await deploy("shop", "2.0.0", "failed", NOW - 18 * MIN);
    const held = await gate("shop");
    expect(held.status).toBe("hold");
    expect(held.checks[0]).toMatchObject({ check: "open_verdict", status: "hold", release_id: id });
    expect(held.reason).toMatch(/^Do not deploy shop in production now: The running release 2\.0\.0 failed and has not been rolled back/);
    expect((await svc.container.preDeployGate.check("shop", "production")).status).toBe("hold");

    await deploy("shop", "2.0.0", "rolled_back", NOW - 10 * MIN);
    const after = await gate("shop");
    expect(after.status).toBe("pass");
    expect(after.checks[0]).toMatchObject({ check: "open_verdict", status: "pass", reason: "The running release 2.0.0 failed but was rolled back." });
  });

  it("looks past a deploy that has only started: the failed release is still what runs", async () => {
    svc = start();
    await deploy("shop", "2.0.0", "started", NOW - 20 * MIN);
    await deploy("shop", "2.0.0", "failed", NOW - 18 * MIN);
    await deploy("shop", "2.0.1", "started", NOW - MIN);
    expect((await gate("shop")).status).toBe("hold");
  });

  /** cart 4.0.0: an hour at 0.5 % errors before a deploy that finished 11 minutes ago, 8 % errors after it. */
  async function badRelease(service: string): Promise<string> {
    const started = NOW - 12 * MIN, finished = NOW - 11 * MIN;
    const before = generateTraffic({ service, start: started - 60 * MIN, minutes: 60, perMinute: 200, errorRate: 0.005, latencyMs: 80, seed: 7 });
    const after = generateTraffic({ service, start: finished + MIN, minutes: 15, perMinute: 200, errorRate: 0.08, latencyMs: 80, seed: 8 });
    expect((await svc.request("POST", "/api/v1/logs", { events: [...before, ...after] })).status).toBe(202);
    await deploy(service, "4.0.0", "started", started);
    return deploy(service, "4.0.0", "finished", finished);
  }

  it("holds while the running release is still being watched and its latest interim check fails (fixed window)", async () => {
    svc = start();
    const id = await badRelease("cart-fixed");
    svc.clock.now = NOW + 5 * MIN; // the first interim check is due; one failing check is not enough to end the window
    expect(await svc.container.verdicts.runDue()).toBe(1);
    const v = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { status: string; checks: { signal: string; status: string }[] };
    expect(v.status).toBe("analyzing");
    expect(v.checks.find((c) => c.signal === "error_rate")!.status).toBe("fail");
    const g = await gate("cart-fixed");
    expect(g.status).toBe("hold");
    expect(g.checks[0]).toMatchObject({ check: "open_verdict", status: "hold", release_id: id });
    expect(g.checks[0]!.reason).toMatch(/^The running release 4\.0\.0 is still being watched and its latest check fails \(/);
  });

  it("passes while the sequential default has not yet looked, then holds once its first look fails the release", async () => {
    svc = start();
    const id = await badRelease("cart");
    svc.clock.now = NOW - MIN; // 9 minutes of data after the deploy (less the ingest grace): no look yet
    expect(await svc.container.verdicts.runDue()).toBe(0);
    const waiting = await gate("cart");
    expect(waiting.checks[0]).toMatchObject({ check: "open_verdict", status: "pass", release_id: id, reason: "The running release 4.0.0 is still being watched; nothing fails so far." });
    svc.clock.now = NOW + 5 * MIN; // past the first look at 10 minutes
    expect(await svc.container.verdicts.runDue()).toBe(1);
    const v = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { status: string; final: boolean; windows: { analysis: { start: string; end: string } } };
    expect(v.status).toBe("fail");
    expect(v.final).toBe(true);
    // 0.5 % to 8 % at 200 requests a minute is decisive at the first look: 10 minutes of data.
    expect(Date.parse(v.windows.analysis.end) - Date.parse(v.windows.analysis.start)).toBe(10 * MIN);
    const g = await gate("cart");
    expect(g.status).toBe("hold");
    expect(g.checks[0]).toMatchObject({ check: "open_verdict", status: "hold", release_id: id });
    expect(g.checks[0]!.reason).toMatch(/^The running release 4\.0\.0 failed and has not been rolled back: cart 4\.0\.0 in production is not healthy/);
  });

  it("honours an operator's approval of the failed release", async () => {
    svc = start();
    const id = await deploy("shop", "2.0.0", "started", NOW - 20 * MIN);
    await deploy("shop", "2.0.0", "failed", NOW - 18 * MIN);
    const decided = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "known flaky dependency" });
    expect(decided.status).toBe(201);
    expect((await gate("shop")).status).toBe("pass");
  });

  it("holds on a live error rate clearly above the rule's limit, with the numbers", async () => {
    svc = start();
    const events = await logs("shop", 100, 0.12, 1);
    const errors = events.filter((e) => e.status >= 500).length;
    const g = await gate("shop");
    expect(g.status).toBe("hold");
    const live = g.checks.find((c) => c.check === "live_error_rate")!;
    expect(live.status).toBe("hold");
    expect(live.stats).toMatchObject({ requests: 1000, errors, limit: 0.05, window: { start: "2026-11-21T11:51:00.000Z", end: "2026-11-21T12:01:00.000Z" } });
    expect(live.stats!.error_rate).toBeCloseTo(errors / 1000, 10);
    expect(live.stats!.p_value).toBeLessThan(1e-6);
    expect(live.reason).toBe(`${(errors / 10).toFixed(1)} % of 1000 requests failed in the last 10 minutes, above the limit of 5.0 %; the service is already unhealthy.`);
  });

  it("passes a healthy service, and does not count traffic older than the window", async () => {
    svc = start();
    const old = generateTraffic({ service: "shop", start: NOW - 40 * MIN, minutes: 10, perMinute: 100, errorRate: 0.5, latencyMs: 80, seed: 3 });
    expect((await svc.request("POST", "/api/v1/logs", { events: old })).status).toBe(202);
    await logs("shop", 100, 0.005, 2);
    const g = await gate("shop");
    expect(g.status).toBe("pass");
    expect(g.checks.map((c) => [c.check, c.status])).toEqual([["open_verdict", "pass"], ["live_error_rate", "pass"]]);
    expect(g.checks[1]!.stats!.requests).toBe(1000);
  });

  it("does not hold a quiet service on a few unlucky requests", async () => {
    svc = start();
    const events = generateTraffic({ service: "quiet", start: NOW - 5 * MIN, minutes: 5, perMinute: 6, errorRate: 0, latencyMs: 80, seed: 4 });
    events.slice(0, 5).forEach((e) => (e.status = 503));
    expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
    const g = await gate("quiet");
    expect(g.status).toBe("pass");
    expect(g.checks[1]).toMatchObject({ status: "not_judged", stats: { requests: 30, errors: 5, limit: 0.05 } });
    expect(g.checks[1]!.reason).toBe("Only 30 requests in the last 10 minutes (the rule needs 200); too few to tell, so this does not hold the deploy.");
  });

  it("does not hold on a rate just above the limit that chance explains", async () => {
    svc = start();
    const events = generateTraffic({ service: "shop", start: NOW - 5 * MIN, minutes: 5, perMinute: 60, errorRate: 0, latencyMs: 80, seed: 5 });
    events.slice(0, 20).forEach((e) => (e.status = 500)); // 20 of 300 = 6.7 %, P(X ≥ 20 | p = 5 %) ≈ 0.1
    expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
    const g = await gate("shop");
    expect(g.status).toBe("pass");
    expect(g.checks[1]!.reason).toBe("6.7 % of 300 requests failed in the last 10 minutes, above the limit of 5.0 % but not clearly beyond chance.");
    expect(g.checks[1]!.stats!.p_value).toBeGreaterThan(0.05);
  });

  it("says so when the rule sets no error-rate limit to hold on", async () => {
    svc = start();
    await logs("other", 100, 0.12, 6);
    const g = await gate("other");
    expect(g.status).toBe("pass");
    expect(g.checks[1]).toMatchObject({ status: "not_judged", reason: "Rule 'default' sets no error-rate limit, so the live error rate is not checked." });
  });

  it("needs a read token", async () => {
    svc = start();
    expect((await svc.app.request("/api/v1/services/shop/gate")).status).toBe(401);
  });
});
