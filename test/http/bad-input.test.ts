import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService({ env: { DEPLOY_GUARD_MAX_BODY_BYTES: "200000" } });
});
afterEach(() => svc.close());

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };
  expect(body.status).toBe(res.status);
  return body;
}

const count = async (table: string) => ((await svc.sql(`SELECT count(*) AS n FROM ${table}`).get()) as { n: number }).n;
const event = (i: number) => ({ timestamp: "2026-11-21T11:00:00Z", service: "web", status: 200, latency_ms: 12 + i });

describe("bad input gets a clear 4xx problem, never a 500", () => {
  it("refuses a missing token and a wrong token with 401", async () => {
    const none = await svc.app.request("/api/v1/logs", { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect((await problem(none)).detail).toContain("Authorization: Bearer");
    const wrong = await svc.request("POST", "/api/v1/deploys", { service: "a", version: "1", phase: "started" }, { authorization: "Bearer nope-nope-nope" });
    expect(wrong.status).toBe(401);
    expect(await count("releases")).toBe(0);
  });

  it("refuses a token without the scope with 403", async () => {
    const created = (await (await svc.request("POST", "/api/v1/tokens", { name: "reader", scope: "read" })).json()) as { token: string };
    const res = await svc.request("POST", "/api/v1/deploys", { service: "a", version: "1", phase: "started" }, { authorization: `Bearer ${created.token}` });
    expect(res.status).toBe(403);
    expect((await problem(res)).detail).toContain("'ingest'");
  });

  it("answers malformed JSON with 400", async () => {
    for (const path of ["/api/v1/deploys", "/api/v1/logs", "/api/v1/metrics"]) {
      const res = await svc.request("POST", path, '{"service": "a",', { "content-type": "application/json" });
      expect(res.status, path).toBe(400);
      expect((await problem(res)).code).toBe("MALFORMED_BODY");
    }
  });

  it("names the field for wrong types, missing fields and unknown phases", async () => {
    const res = await svc.request("POST", "/api/v1/deploys", { service: 42, phase: "deploying" });
    expect(res.status).toBe(422);
    const body = await problem(res);
    const paths = body.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["service", "version", "phase"]));
    expect(body.errors!.find((e) => e.path === "phase")!.message).toMatch(/started.*finished.*failed.*rolled_back/);
  });

  it("refuses absurd timestamps", async () => {
    const cases: [unknown, RegExp][] = [
      [1700000000, /before 2000-01-01 \(epoch seconds/],
      ["2999-01-01T00:00:00Z", /future/],
      ["yesterday", /ISO 8601/],
      ["2026-11-21T10:00:00", /ISO 8601 with a time zone/],
    ];
    for (const [timestamp, message] of cases) {
      const res = await svc.request("POST", "/api/v1/deploys", { service: "a", version: "1", phase: "started", timestamp });
      expect(res.status).toBe(422);
      expect((await problem(res)).errors![0]).toMatchObject({ path: "timestamp", message: expect.stringMatching(message) });
    }
  });

  it("rejects a whole log batch when one record is bad, and says which", async () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    events[317] = { ...event(317), status: "500" as unknown as number };
    const res = await svc.request("POST", "/api/v1/logs", { events });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.errors![0]).toEqual({ path: "events[317].status", message: 'must be a finite number, got "500"' });
    expect(body.detail).toContain("Nothing of the 500 events was stored");
    expect(await count("log_events")).toBe(0);
    expect(await count("request_rollups")).toBe(0);
  });

  it("names the line of a bad NDJSON record", async () => {
    const body = [JSON.stringify(event(1)), "", JSON.stringify({ ...event(2), service: undefined }), "{not json"].join("\n");
    const res = await svc.request("POST", "/api/v1/logs", body, { "content-type": "application/x-ndjson" });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toContain("line 4 is not valid JSON");
    const res2 = await svc.request("POST", "/api/v1/logs", body.split("\n").slice(0, 3).join("\n"), { "content-type": "application/x-ndjson" });
    expect(res2.status).toBe(422);
    expect((await problem(res2)).errors![0]).toEqual({ path: "line 3.service", message: "is required" });
    expect(await count("log_events")).toBe(0);
  });

  it("refuses bad metric samples with the field", async () => {
    const res = await svc.request("POST", "/api/v1/metrics", { samples: [{ name: "9cpu", value: "high", timestamp: Date.now(), service: "web", tags: { a: {} } }] });
    expect(res.status).toBe(422);
    const paths = (await problem(res)).errors!.map((e) => e.path);
    expect(paths).toEqual(["samples[0].name", "samples[0].value", "samples[0].tags.a"]);
  });

  it("refuses an oversized body with 413", async () => {
    const events = Array.from({ length: 3000 }, (_, i) => ({ ...event(i), message: "x".repeat(100) }));
    const res = await svc.request("POST", "/api/v1/logs", { events });
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe("PAYLOAD_TOO_LARGE");
    expect(await count("log_events")).toBe(0);
  });

  it("takes at most 10,000 records a request, so one batch's write never holds other requests long", async () => {
    const roomy = createTestService();
    const rows = async () => ((await roomy.sql("SELECT count(*) AS n FROM log_events").get()) as { n: number }).n;
    const lines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(event(i))).join("\n");
    const over = await roomy.request("POST", "/api/v1/logs", lines(10_001), { "content-type": "application/x-ndjson" });
    expect(over.status).toBe(413);
    expect((await problem(over)).detail).toContain("At most 10000 events a request; this one has 10001");
    expect(await rows()).toBe(0);
    const full = await roomy.request("POST", "/api/v1/logs", lines(10_000), { "content-type": "application/x-ndjson" });
    expect(full.status).toBe(202);
    expect(await rows()).toBe(10_000);
    roomy.close();
  });

  it("refuses an unsupported content type with 415 and a missing array with 422", async () => {
    const res = await svc.request("POST", "/api/v1/logs", "a=b", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    await problem(res);
    const res2 = await svc.request("POST", "/api/v1/logs", { evnets: [] });
    expect(res2.status).toBe(422);
    expect((await problem(res2)).errors![0]!.path).toBe("events");
  });

  it("answers unknown releases and routes with 404 problems", async () => {
    const res = await svc.request("GET", "/api/v1/releases/rel_nope/verdict");
    expect(res.status).toBe(404);
    await problem(res);
    const res2 = await svc.request("GET", "/api/v1/nothing");
    expect(res2.status).toBe(404);
    await problem(res2);
  });

  it("answers a bad query parameter with 422 naming it", async () => {
    const res = await svc.request("GET", "/api/v1/releases?limit=-3");
    expect(res.status).toBe(422);
    expect((await problem(res)).errors![0]!.path).toBe("query.limit");
  });

  it("refuses evaluation of a release whose deploy has not finished with 409", async () => {
    const { release_id } = (await (await svc.request("POST", "/api/v1/deploys", { service: "a", version: "1", phase: "started" })).json()) as { release_id: string };
    const res = await svc.request("POST", `/api/v1/releases/${release_id}/evaluate`);
    expect(res.status).toBe(409);
    await problem(res);
  });
});
