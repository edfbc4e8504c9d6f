import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService();
});
afterEach(() => svc.close());

const T0 = Date.parse("2026-11-21T11:00:00Z");
const rows = async (table: string) => ((await svc.sql(`SELECT count(*) AS n FROM ${table}`).get()) as { n: number }).n;

describe("POST /api/v1/deploys/batch", () => {
  it("records many events in order, so a start and its finish can travel together", async () => {
    const events = Array.from({ length: 200 }, (_, i) => [
      { service: `svc-${i % 7}`, version: `v${i}`, phase: "started", timestamp: T0, event_id: `s-${i}` },
      { service: `svc-${i % 7}`, version: `v${i}`, phase: "finished", timestamp: T0 + 60_000, event_id: `f-${i}` },
    ]).flat();
    const res = await svc.request("POST", "/api/v1/deploys/batch", { events });
    expect(res.status).toBe(202);
    const { results } = (await res.json()) as { results: { release_id: string; deploy_id: string; duplicate: boolean }[] };
    expect(results).toHaveLength(400);
    expect(results[1]).toEqual({ ...results[0], duplicate: false });
    expect(await rows("releases")).toBe(200);
    const analyzing = (await svc.sql("SELECT count(*) AS n FROM releases WHERE status = 'analyzing'").get()) as { n: number };
    expect(analyzing.n).toBe(200);
    // Sent again, every event is a duplicate and nothing changes.
    const again = (await (await svc.request("POST", "/api/v1/deploys/batch", { events })).json()) as { results: { duplicate: boolean }[] };
    expect(again.results.every((r) => r.duplicate)).toBe(true);
    expect(await rows("deploy_events")).toBe(400);
  });

  it("stores nothing when one event is bad, and names it", async () => {
    const events = [
      { service: "a", version: "1", phase: "started" },
      { service: "a", version: "1", phase: "halfway" },
    ];
    const res = await svc.request("POST", "/api/v1/deploys/batch", { events });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string }[] };
    expect(body.errors[0]!.path).toBe("events[1].phase");
    expect(await rows("deploy_events")).toBe(0);
    expect(await rows("releases")).toBe(0);
  });

  it("takes NDJSON and names the line of a bad event", async () => {
    const ok = JSON.stringify({ service: "a", version: "1", phase: "started" });
    const res = await svc.request("POST", "/api/v1/deploys/batch", `${ok}\n${JSON.stringify({ service: "a", phase: "finished" })}\n`, { "content-type": "application/x-ndjson" });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("line 2.version");
    const good = await svc.request("POST", "/api/v1/deploys/batch", `${ok}\n`, { "content-type": "application/x-ndjson" });
    expect(good.status).toBe(202);
  });

  it("needs the ingest scope", async () => {
    const res = await svc.app.request("/api/v1/deploys/batch", { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
  });
});
