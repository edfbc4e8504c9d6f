import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
let svc: TestService;
afterEach(() => svc?.close());

const start = () => (svc = createTestService({ env: { DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS: "300", DEPLOY_GUARD_RETENTION_DAYS: "14" } }));
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const event = (at: number) => ({ timestamp: at, service: "shop", status: 200, latency_ms: 10 });
const count = async (sql: string) => (await svc.sql<{ n: number }>(sql).get())?.n;

async function token(scope: string): Promise<{ id: string; token: string }> {
  return (await (await svc.request("POST", "/api/v1/tokens", { name: `${scope} shipper`, scope })).json()) as { id: string; token: string };
}

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  return (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
}

describe("telemetry time bounds", () => {
  it("refuses a record dated more than 5 minutes ahead with 422 naming its index and timestamp, storing none of the batch", async () => {
    start();
    const ahead = svc.clock.now + 6 * MIN;
    const body = await problem(await svc.request("POST", "/api/v1/logs", { events: [event(svc.clock.now), event(ahead)] }), 422);
    expect(body.detail).toContain("events[1].timestamp");
    expect(body.detail).toContain(new Date(ahead).toISOString());
    expect(await count("SELECT count(*) AS n FROM log_events")).toBe(0);
    expect((await svc.request("POST", "/api/v1/logs", { events: [event(svc.clock.now + 4 * MIN)] })).status).toBe(202);
  });

  it("refuses a metric sample older than the retention with 422, even from an admin", async () => {
    start();
    const old = svc.clock.now - 15 * DAY;
    const sample = { name: "cpu", value: 1, timestamp: old, service: "shop" };
    const body = await problem(await svc.request("POST", "/api/v1/metrics", { samples: [sample] }), 422);
    expect(body.errors[0]).toMatchObject({ path: "samples[0].timestamp" });
    expect(body.detail).toContain("14-day retention");
  });

  it("refuses records past the ingest grace from an ingest token with 403 and takes them from a backfill token, noting who wrote them", async () => {
    start();
    const ingest = await token("ingest");
    const backfill = await token("backfill");
    const old = svc.clock.now - 3 * DAY;
    const refused = await problem(await svc.request("POST", "/api/v1/logs", { events: [event(svc.clock.now), event(old)] }, as(ingest.token)), 403);
    expect(refused.detail).toContain("events[1].timestamp");
    expect(refused.detail).toContain("'backfill' scope");
    expect(await count("SELECT count(*) AS n FROM log_events")).toBe(0);
    expect((await svc.request("POST", "/api/v1/logs", { events: [event(old), event(old + 1000), event(svc.clock.now)] }, as(backfill.token))).status).toBe(202);
    expect(await count(`SELECT records AS n FROM late_telemetry WHERE token_id = '${backfill.id}' AND minute = ${Math.floor(old / MIN) * MIN}`)).toBe(2);
    expect(await count("SELECT count(*) AS n FROM late_telemetry")).toBe(1);
  });

  it("accepts on-time records without writing anything about lateness", async () => {
    start();
    const ingest = await token("ingest");
    expect((await svc.request("POST", "/api/v1/logs", { events: [event(svc.clock.now - 30_000)] }, as(ingest.token))).status).toBe(202);
    expect(await count("SELECT count(*) AS n FROM late_telemetry")).toBe(0);
  });
});

describe("past-dated deploy events", () => {
  const deploy = (timestamp: number, extra: Record<string, unknown> = {}) => ({ service: "shop", version: "1.2.3", phase: "started", timestamp, ...extra });

  it("needs the backfill scope for a deploy dated before the grace", async () => {
    start();
    const ingest = await token("ingest");
    const backfill = await token("backfill");
    const past = svc.clock.now - 90 * MIN;
    expect((await problem(await svc.request("POST", "/api/v1/deploys", deploy(past), as(ingest.token)), 403)).detail).toContain("'backfill' scope");
    expect(await count("SELECT count(*) AS n FROM releases")).toBe(0);
    expect((await svc.request("POST", "/api/v1/deploys", deploy(past), as(backfill.token))).status).toBe(202);
    expect((await svc.request("POST", "/api/v1/deploys", deploy(svc.clock.now - 30_000, { version: "1.2.4" }), as(ingest.token))).status).toBe(202);
  });

  it("keeps a re-sent event a duplicate, however late it comes back", async () => {
    start();
    const ingest = await token("ingest");
    const first = await svc.request("POST", "/api/v1/deploys", deploy(svc.clock.now, { event_id: "evt-1" }), as(ingest.token));
    expect(first.status).toBe(202);
    svc.clock.now += 30 * MIN;
    const again = await svc.request("POST", "/api/v1/deploys", deploy(svc.clock.now - 30 * MIN, { event_id: "evt-1" }), as(ingest.token));
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
  });

  it("refuses a deploy dated more than 5 minutes ahead with 422", async () => {
    start();
    expect((await problem(await svc.request("POST", "/api/v1/deploys", deploy(svc.clock.now + 10 * MIN)), 422)).errors[0]).toMatchObject({ path: "timestamp" });
  });
});
