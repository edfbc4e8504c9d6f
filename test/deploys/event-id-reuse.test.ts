import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/deploys/event-identity.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { ingestToken } from "./webhooks/webhook-support.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService();
});
afterEach(() => svc.close());

const T0 = Date.parse("2026-11-21T11:00:00Z");
const count = async (table: string) => ((await svc.sql(`SELECT count(*) AS n FROM ${table}`).get()) as { n: number }).n;
const releaseStatus = async (id: string) => ((await svc.sql("SELECT status FROM releases WHERE id = ?").get(id)) as { status: string }).status;

async function post(body: unknown, path = "/api/v1/deploys") {
  const res = await svc.request("POST", path, body);
  return { res, body: (await res.json()) as Record<string, any> };
}

describe("a re-used event_id (issue 13, item 5)", () => {
  it("answers 409 with the stored event when the content differs, and stores nothing of the new one", async () => {
    const started = { service: "cart", version: "7", phase: "started", event_id: "ev-1", timestamp: T0 };
    const first = await post(started);
    expect(first.res.status).toBe(202);
    // The lost-event case: a `failed` sent under an id already used by the start.
    const reused = await post({ ...started, phase: "failed", timestamp: T0 + 60_000 });
    expect(reused.res.status).toBe(409);
    expect(reused.res.headers.get("content-type")).toBe("application/problem+json");
    expect(reused.body).toMatchObject({
      status: 409,
      code: "CONFLICT",
      detail: expect.stringContaining("event_id 'ev-1' was already used for a different event (phase, timestamp differ)"),
      stored_event: {
        event_id: "ev-1",
        release_id: first.body.release_id,
        deploy_id: first.body.deploy_id,
        phase: "started",
        timestamp: "2026-11-21T11:00:00.000Z",
        event: { service: "cart", environment: "production", version: "7", phase: "started", event_id: "ev-1", timestamp: T0 },
      },
    });
    expect(reused.body.errors.map((e: { path: string }) => e.path)).toEqual(["phase", "timestamp"]);
    expect(await count("deploy_events")).toBe(1);
    expect(await releaseStatus(first.body.release_id)).toBe("pending");
  });

  it("keeps an identical re-send a 202 duplicate, however the same values are written", async () => {
    const first = await post({ service: "cart", version: "7", phase: "started", event_id: "ev-2", timestamp: "2026-11-21T11:00:00Z" });
    // Same normalized event: the timestamp as epoch ms, names with spaces trimmed, the default environment spelled out, keys reordered.
    const again = await post({ timestamp: T0, event_id: "ev-2", phase: "started", version: " 7 ", service: "cart", environment: "production" });
    expect(again.res.status).toBe(202);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await count("deploy_events")).toBe(1);
  });

  it("answers 409 for a batch whose event re-uses an id, storing none of the batch", async () => {
    await post({ service: "cart", version: "7", phase: "started", event_id: "ev-3", timestamp: T0 });
    const events = [
      { service: "cart", version: "8", phase: "started", event_id: "ev-4", timestamp: T0 },
      { service: "cart", version: "7", phase: "finished", event_id: "ev-3", timestamp: T0 + 60_000 },
    ];
    const res = await post({ events }, "/api/v1/deploys/batch");
    expect(res.res.status).toBe(409);
    expect(res.body.stored_event.event_id).toBe("ev-3");
    expect(await count("deploy_events")).toBe(1);
    expect(await count("releases")).toBe(1);
  });

  it("keeps a tool's re-sent phase a duplicate: Flagger's Progressing and Promoting share one start", async () => {
    const token = await ingestToken(svc);
    const event = (phase: string, ts: number) => ({ name: "web", namespace: "prod", phase, checksum: "abc123", metadata: { timestamp: String(ts), version: "9" } });
    const send = (phase: string, ts: number) =>
      svc.app.request("/api/v1/webhooks/flagger", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(event(phase, ts)) });
    expect((await send("Progressing", T0)).status).toBe(202);
    const promoting = await send("Promoting", T0 + 120_000);
    expect(promoting.status).toBe(202);
    expect(((await promoting.json()) as { accepted: { duplicate: boolean }[] }).accepted[0]!.duplicate).toBe(true);
  });

  it("prints equal values the same whatever their key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});
