import { afterEach, describe, expect, it } from "vitest";
import { DeliveryError, type Notifier } from "../../src/notify/notifier.ts";
import { failingRelease, MIN, START, tokenFor } from "../decisions/release-fixtures.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { parseExposition, valueOf } from "./exposition.ts";

const METRICS_TOKEN = "metrics-scrape-token-0123456789";

let svc: TestService | undefined;
afterEach(() => svc?.close());

/** A webhook whose receiver is down: every alert stays in the outbox, waiting for its next attempt. */
class DownWebhook implements Notifier {
  readonly channel = "webhook";
  async send(): Promise<void> {
    throw new DeliveryError("the receiver answered 503", true);
  }
}

async function scrape(s: TestService) {
  const res = await s.request("GET", "/metrics", undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parseExposition(await res.text());
}

describe("GET /metrics", () => {
  it("counts a release's final verdict, its time to decision, the evaluation, ingest, the outbox and a person's hold", async () => {
    svc = createTestService({ now: START, notifiers: [new DownWebhook()], env: { DEPLOY_GUARD_METRICS_TOKEN: METRICS_TOKEN } });
    const id = await failingRelease(svc);
    let m = await scrape(svc);
    expect(valueOf(m, "deploy_guard_releases_analyzing")).toBe(1);
    // failingRelease pushed 60 + 35 minutes of 300 requests.
    expect(valueOf(m, "deploy_guard_ingest_records_accepted_total", { kind: "log" })).toBe(28_500);
    expect(valueOf(m, "deploy_guard_verdicts_total")).toBeUndefined();

    const bad = [{ timestamp: START, service: "pay", status: 200 }, { timestamp: START, service: "pay", status: "teapot" }, { timestamp: START, service: "pay" }];
    expect((await svc.request("POST", "/api/v1/logs", { events: bad })).status).toBe(422);
    expect((await svc.request("POST", "/api/v1/logs", "{ not json")).status).toBe(400);
    const samples = [{ name: "cpu", value: 0.5, timestamp: START, service: "pay" }, { name: "cpu", value: 0.7, timestamp: START + MIN, service: "pay" }];
    expect((await svc.request("POST", "/api/v1/metrics", { samples })).status).toBe(202);

    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    await svc.container.dispatcher.deliverDue();
    m = await scrape(svc);
    expect(valueOf(m, "deploy_guard_verdicts_total", { service: "pay", environment: "production", status: "fail" })).toBe(1);
    expect(m.filter((s) => s.name === "deploy_guard_verdicts_total")).toHaveLength(1);
    // From the deploy's finish (START + 1 min) to the verdict (START + 40 min): 39 minutes.
    const decided = { environment: "production", status: "fail" };
    expect(valueOf(m, "deploy_guard_time_to_decision_seconds_sum", decided)).toBe(39 * 60);
    expect(valueOf(m, "deploy_guard_time_to_decision_seconds_count", decided)).toBe(1);
    expect(valueOf(m, "deploy_guard_time_to_decision_seconds_bucket", { ...decided, le: "1800" })).toBe(0);
    expect(valueOf(m, "deploy_guard_time_to_decision_seconds_bucket", { ...decided, le: "2700" })).toBe(1);
    expect(valueOf(m, "deploy_guard_evaluations_total", { mode: "sequential", result: "ok" })).toBe(1);
    expect(valueOf(m, "deploy_guard_evaluation_duration_seconds_count", { mode: "sequential" })).toBe(1);
    expect(valueOf(m, "deploy_guard_releases_analyzing")).toBe(0);
    expect(valueOf(m, "deploy_guard_ingest_records_accepted_total", { kind: "log" })).toBe(28_500);
    expect(valueOf(m, "deploy_guard_ingest_records_accepted_total", { kind: "metric" })).toBe(2);
    expect(valueOf(m, "deploy_guard_ingest_records_rejected_total", { kind: "log", reason: "invalid" })).toBe(3);
    expect(valueOf(m, "deploy_guard_ingest_batches_rejected_total", { kind: "log", reason: "invalid" })).toBe(1);
    expect(valueOf(m, "deploy_guard_ingest_records_rejected_total", { kind: "log", reason: "malformed" })).toBe(0);
    expect(valueOf(m, "deploy_guard_ingest_batches_rejected_total", { kind: "log", reason: "malformed" })).toBe(1);
    expect(valueOf(m, "deploy_guard_outbox_pending_deliveries", { channel: "webhook" })).toBe(1);
    expect(valueOf(m, "deploy_guard_notification_delivery_failures_total", { channel: "webhook", gave_up: "false" })).toBe(1);
    expect(valueOf(m, "deploy_guard_notification_delivery_failures_total", { channel: "webhook", gave_up: "true" })).toBe(0);
    expect(valueOf(m, "deploy_guard_releases_held")).toBe(0);
    expect(valueOf(m, "deploy_guard_releases_held_oldest_timestamp_seconds")).toBe(0);
    expect(valueOf(m, "deploy_guard_process_cpu_seconds_total")).toBeGreaterThan(0);

    svc.clock.now = START + 41 * MIN;
    const op = { authorization: `Bearer ${await tokenFor(svc, "release-captain", "operator")}` };
    expect((await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "checking the provider" }, op)).status).toBe(201);
    m = await scrape(svc);
    expect(valueOf(m, "deploy_guard_releases_held")).toBe(1);
    expect(valueOf(m, "deploy_guard_releases_held_oldest_timestamp_seconds")).toBe((START + 41 * MIN) / 1000);
    // A person's decision is not a verdict of the engine.
    expect(valueOf(m, "deploy_guard_verdicts_total", { status: "fail" })).toBe(1);

    const approve = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "provider outage" }, op);
    expect(approve.status).toBe(201);
    expect(valueOf(await scrape(svc), "deploy_guard_releases_held")).toBe(0);
  });

  it("counts an engine hold as held until a person approves it", async () => {
    svc = createTestService({ now: START, env: { DEPLOY_GUARD_METRICS_TOKEN: METRICS_TOKEN } });
    const id = await failingRelease(svc);
    const at = START + 5 * MIN;
    // The engine's own hold, as a release decided 'hold' is stored (decided_at set, status hold).
    await svc.sql("UPDATE releases SET status = 'hold', decided_at = ? WHERE id = ?").run(at, id);
    let m = await scrape(svc);
    expect(valueOf(m, "deploy_guard_releases_held")).toBe(1);
    expect(valueOf(m, "deploy_guard_releases_held_oldest_timestamp_seconds")).toBe(at / 1000);
    const op = { authorization: `Bearer ${await tokenFor(svc, "release-captain", "operator")}` };
    expect((await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "known noise" }, op)).status).toBe(201);
    m = await scrape(svc);
    expect(valueOf(m, "deploy_guard_releases_held")).toBe(0);
  });
});

describe("who may read /metrics", () => {
  it("answers 401 problem+json without a token, and names neither token in it", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_METRICS_TOKEN: METRICS_TOKEN } });
    const res = await svc.app.request("/metrics");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(body).not.toContain(METRICS_TOKEN);
    expect((await svc.app.request("/metrics", { headers: { authorization: "Bearer not-a-token-at-all" } })).status).toBe(401);
  });

  it("takes the metrics token or an unlimited read token; refuses ingest and service-limited tokens", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_METRICS_TOKEN: METRICS_TOKEN } });
    const as = (token: string) => svc!.app.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
    expect((await as(METRICS_TOKEN)).status).toBe(200);
    expect((await as(await tokenFor(svc, "grafana", "read"))).status).toBe(200);
    expect((await as(await tokenFor(svc, "shipper", "ingest"))).status).toBe(403);
    const limited = (await (await svc.request("POST", "/api/v1/tokens", { name: "pay-team", scope: "read", services: ["pay"] })).json()) as { token: string };
    const refused = await as(limited.token);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/limited to some services/);
  });

  it("gives the metrics token nothing but /metrics", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_METRICS_TOKEN: METRICS_TOKEN } });
    const res = await svc.app.request("/api/v1/releases", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(401);
  });

  it("is open like every read when DEPLOY_GUARD_OPEN_READS is set", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_OPEN_READS: "true" } });
    expect((await svc.app.request("/metrics")).status).toBe(200);
  });
});
