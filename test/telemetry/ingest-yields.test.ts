import { afterEach, describe, expect, it } from "vitest";
import { isErrorEvent, type LogEvent } from "../../src/telemetry/log-event.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { countOf, refuseInserts } from "./refusing-trigger.ts";

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

const count = (table: string, where?: string) => countOf(svc!, table, where);
const total = async (sql: string) => (await svc!.sql(sql).values())[0]![0];

/** A deploy-sized batch, as bench/soak-bench.ts sends it: 5 services, 20 hosts, 30 routes, 2 % errors. */
const bigBatch = (now: number, n = 10_000, tag = "big") =>
  Array.from({ length: n }, (_, i) => ({ timestamp: now - 60_000 + i, service: `${tag}${i % 5}`, host: `h${i % 20}`, route: `/r${i % 30}`, status: i % 50 ? 200 : 500, latency_ms: 10 + (i % 90), message: i % 50 ? "ok" : `error ${i % 7}` }));

/**
 * Sends `/healthz` once on every turn of the event loop while `slow` is in flight, and counts the answers that came
 * back before it did: each one is a request that did not wait for the whole of `slow`.
 */
async function healthzAnsweredDuring(slow: Promise<Response>): Promise<{ response: Response; answeredBefore: number }> {
  let done = false, answeredBefore = 0;
  const probes: Promise<unknown>[] = [];
  const tick = () => {
    if (done) return;
    probes.push(Promise.resolve(svc!.request("GET", "/healthz")).then((r) => {
      if (!done && r.status === 200) answeredBefore += 1;
    }));
    setImmediate(tick);
  };
  setImmediate(tick);
  const response = await slow;
  done = true;
  await Promise.all(probes);
  return { response, answeredBefore };
}

const event = (ts: number, message: string): LogEvent => ({ ts, service: "cart", environment: "production", host: "h1", version: "v1", level: undefined, status: 500, latencyMs: 20, route: "/cart", message, isError: isErrorEvent(500, undefined) });

describe("a large ingest batch yields to other requests", () => {
  it("answers /healthz requests sent while a 10,000-event batch is validated and rolled up, before the batch is acknowledged", async () => {
    svc = createTestService();
    const post = svc.request("POST", "/api/v1/logs", { events: bigBatch(svc.clock.now) });
    const { response, answeredBefore } = await healthzAnsweredDuring(post);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 10_000 });
    // 5 slices of validation and 5 of roll-ups, with a turn of the event loop between them: one probe answered in each.
    // Done in one piece, the batch let at most the turn of the write queue through.
    expect(answeredBefore).toBeGreaterThanOrEqual(8);
    expect(await count("log_events")).toBe(10_000);
    expect(await total("SELECT SUM(requests) FROM service_rollups")).toBe(10_000);
    expect(await total("SELECT SUM(requests) FROM request_rollups")).toBe(10_000);
    expect(await total("SELECT SUM(errors) FROM request_rollups")).toBe(200);
  });

  it("stores two large batches sent at once each whole and once, acknowledging each only after it is stored", async () => {
    svc = createTestService();
    const [a, b] = await Promise.all([
      svc.request("POST", "/api/v1/logs", { events: bigBatch(svc.clock.now, 10_000, "a") }).then(async (r) => ({ status: r.status, stored: await count("log_events", "service LIKE 'a%'") })),
      svc.request("POST", "/api/v1/logs", { events: bigBatch(svc.clock.now, 6_000, "b") }).then(async (r) => ({ status: r.status, stored: await count("log_events", "service LIKE 'b%'") })),
    ]);
    expect(a).toEqual({ status: 202, stored: 10_000 });
    expect(b).toEqual({ status: 202, stored: 6_000 });
    expect(await total("SELECT SUM(requests) FROM service_rollups")).toBe(16_000);
  });

  it("refuses a large batch whose last record is bad with 422 naming it, storing nothing of the batch", async () => {
    svc = createTestService();
    const events: Record<string, unknown>[] = bigBatch(svc.clock.now);
    events[9_999] = { ...events[9_999], status: 9000 };
    const res = await svc.request("POST", "/api/v1/logs", { events });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/events\[9999\]\.status/);
    for (const table of ["log_events", "request_rollups", "service_rollups", "error_signatures", "error_signature_minutes"]) expect(await count(table)).toBe(0);
  });

  it("stores nothing of a prepared batch whose write fails part way", async () => {
    svc = createTestService();
    const store = svc.container.telemetry;
    await refuseInserts(svc, "service_rollups", "NEW.service = 'cart'");
    const prepared = await store.prepareLogs(Array.from({ length: 5_000 }, (_, i) => event(svc!.clock.now + i, `boom ${i % 3}`)), [], svc.clock.now, 1_000);
    await expect(store.writeLogs(prepared)).rejects.toThrow(/refused/);
    for (const table of ["log_events", "request_rollups", "service_rollups", "error_signatures", "error_signature_minutes"]) expect(await count(table)).toBe(0);
  });

  it("keeps the more general error template when batches are written in another order than they were mined", async () => {
    svc = createTestService();
    const store = svc.container.telemetry, now = svc.clock.now;
    const first = await store.prepareLogs([event(now, "cache miss on shelf alpha")]);
    const later = await store.prepareLogs([event(now + 1000, "cache miss on shelf beta")]);
    expect(later.signatures.signatures[0]!.fingerprint).toBe(first.signatures.signatures[0]!.fingerprint);
    await store.writeLogs(later);
    await store.writeLogs(first);
    const rows = await svc.sql("SELECT template, first_seen, last_seen FROM error_signatures").all();
    expect(rows).toEqual([{ template: "cache miss on shelf <*>", first_seen: now, last_seen: now + 1000 }]);
  });
});
