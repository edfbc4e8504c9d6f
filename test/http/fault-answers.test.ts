import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createContainer } from "../../src/container.ts";
import { createApp } from "../../src/http/app.ts";
import { ADMIN_TOKEN, createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";

let svc: TestService | undefined;
afterEach(() => {
  svc?.close();
  svc = undefined;
});

const events = (n: number, start: number) =>
  Array.from({ length: n }, (_, i) => ({ timestamp: start - 60_000 + i, service: "pay", status: 200, latency_ms: 20, message: `padding ${"x".repeat(200)} ${i}` }));

// SQLite only: the test fills the database by lowering its max_page_count; a PostgreSQL server's disk is not ours to fill.
describe.skipIf(TEST_STORE === "postgres")("a full disk (SQLite file)", () => {
  it("answers a write 503 problem+json with Retry-After, stores none of it, and /readyz reports not-ready until space is back", async () => {
    svc = createTestService();
    const sqlite = svc.container.db.$client;
    expect((await svc.request("GET", "/readyz")).status).toBe(200);
    const before = sqlite.prepare("SELECT COUNT(*) FROM log_events").pluck().get();
    sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true }) as number}`);

    const res = await svc.request("POST", "/api/v1/logs", { events: events(2000, svc.clock.now) });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await res.json()).toMatchObject({ status: 503, code: "STORAGE_FULL", title: "Storage is full", detail: expect.stringContaining("nothing from this request was stored") });
    expect(sqlite.prepare("SELECT COUNT(*) FROM log_events").pluck().get()).toBe(before);

    const ready = await svc.request("GET", "/readyz");
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.storage).toMatch(/^full: /);

    sqlite.pragma("max_page_count = 1073741823");
    svc.clock.now += 31_000;
    expect((await svc.request("GET", "/readyz")).status).toBe(200);
    expect((await svc.request("POST", "/api/v1/logs", { events: events(10, svc.clock.now) })).status).toBe(202);
  });

  it("reports not-ready when the database has reached its maximum size, before any write has failed", async () => {
    svc = createTestService();
    const sqlite = svc.container.db.$client;
    sqlite.exec("VACUUM");
    sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true }) as number}`);
    const ready = await svc.request("GET", "/readyz");
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({
      database: "ok", storage: "full: the database has reached its maximum size (max_page_count)",
    });
  });
});

describe("logging of errors", () => {
  it("logs client errors (4xx) at info, never as 'unhandled error', and a server fault (5xx) at error", async () => {
    svc = createTestService();
    const lines: { level: number; msg: string; status?: number }[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, done) { for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l)); done(); } });
    const container = createContainer(svc.config, pino({ level: "debug" }, sink), { now: () => svc!.clock.now, notifiers: [] });
    const app = createApp(container);
    const call = (method: string, path: string, body?: string, token = ADMIN_TOKEN) =>
      app.request(path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body }) });

    expect((await call("POST", "/api/v1/deploys", "{not json")).status).toBe(400);
    expect((await call("POST", "/api/v1/deploys", JSON.stringify({ service: "pay" }))).status).toBe(422);
    expect((await call("GET", "/api/v1/releases", undefined, "wrong-token-0123456789")).status).toBe(401);
    expect((await call("GET", "/no/such/path")).status).toBe(404);
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.msg === "client error").length).toBeGreaterThanOrEqual(2);

    container.db.$client.close();
    expect((await call("POST", "/api/v1/deploys", JSON.stringify({ service: "pay", version: "1", phase: "started" }))).status).toBe(500);
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual(["unhandled error", "request"]);
    container.rules.close();
  });
});
