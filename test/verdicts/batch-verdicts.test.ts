import { afterEach, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { runCli } from "../support/server-process.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";
import * as F from "./batch-fleet.ts";
import { batchRules, fleet } from "./batch-fleet.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");
const FLEET = ["web-1", "web-2", "web-3", "web-4", "web-5", "web-6"];
let svc: TestService;
afterEach(() => svc?.close());

/** A rolling deploy in three batches of two hosts; the new version's error rate on updated hosts is `after`. */
async function rolling(service: string, after: number, updatedPerMinute = 200) {
  const send = async (events: unknown[]) => {
    for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
  };
  await send(generateTraffic({ service, start: T - 60 * MIN, minutes: 60, perMinute: 600, errorRate: 0.005, latencyMs: 100, hosts: FLEET, seed: 1 }));
  // Batch 1 (web-1, web-2) finishes at T+1; the rest stay on the old version for the next 15 minutes.
  await send(generateTraffic({ service, start: T, minutes: 15, perMinute: updatedPerMinute, errorRate: after, latencyMs: 100, hosts: ["web-1", "web-2"], seed: 2 }));
  await send(generateTraffic({ service, start: T, minutes: 15, perMinute: 400, errorRate: 0.005, latencyMs: 100, hosts: ["web-3", "web-4", "web-5", "web-6"], seed: 3 }));
  const base = { service, version: "4", deploy_id: `${service}-roll` };
  await svc.request("POST", "/api/v1/deploys", { ...base, phase: "started", timestamp: T, batch: { index: 1, total: 3, hosts: ["web-1", "web-2"] } });
  const res = await svc.request("POST", "/api/v1/deploys", { ...base, phase: "finished", timestamp: T + MIN, batch: { index: 1, total: 3 } });
  return ((await res.json()) as { release_id: string }).release_id;
}

describe("per-batch verdicts in a rolling deploy", () => {
  it("fails batch 1 when its hosts err more, so the pipeline can stop before batch 2", async () => {
    svc = createTestService({ now: T + 2 * MIN, notifiers: [{ channel: "slack", send: async () => {} }] });
    const id = await rolling("roll-bad", 0.06);
    let batch = (await (await svc.request("GET", `/api/v1/releases/${id}/batches/1/verdict`)).json()) as Record<string, any>;
    expect(batch).toMatchObject({ status: "analyzing", final: false, batch: { index: 1, total: 3, hosts: ["web-1", "web-2"] } });
    svc.clock.now = T + 13 * MIN;
    expect(await svc.container.batches.runDue()).toBe(1);
    batch = (await (await svc.request("GET", `/api/v1/releases/${id}/batches/1/verdict`)).json()) as Record<string, any>;
    expect(batch).toMatchObject({ status: "fail", final: true });
    expect(batch.summary).toMatch(/^roll-bad 4 in production, batch 1 of 3 is not healthy/);
    // A day of history is needed to measure the host groups' usual ratio; with an hour, the label says what was used.
    expect(batch.windows.baseline.label).toMatch(/^a forecast from the service's own history: under a day of history/);
    // On-call hears of the bad batch at once and once: the batch's fail is the release's, through the same outbox.
    const queued = await svc.sql<{ channel: string; payload: string }>("SELECT channel, payload FROM notifications ORDER BY id").all();
    expect(queued.map((n) => n.channel)).toEqual(["slack"]);
    expect(JSON.parse(queued[0]!.payload).summary).toMatch(/batch 1 of 3 is not healthy/);
    // A failed batch fails the release (final) while the deploy tool is still rolling: no later batch can pass it.
    const release = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
    expect(release).toMatchObject({ status: "fail", final: true });
    expect(release.summary).toMatch(/batch 1 of 3 is not healthy/);

    // The CLI gate of a pipeline that waits for batch 1 exits 1; waiting for the release would not end yet.
    const server = serve({ fetch: svc.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const gate = await runCli(["gate", "--url", url, "--token", ADMIN_TOKEN, "--release", id, "--batch", "1", "--timeout", "10s", "--interval", "200ms"]);
      expect(gate.code, gate.stderr).toBe(1);
      expect(gate.stdout).toMatch(/^FAIL: roll-bad 4 in production, batch 1 of 3/);
    } finally {
      server.close();
    }
  });

  it("passes batch 1 when its hosts behave, and lists every batch", async () => {
    svc = createTestService({ now: T + 13 * MIN });
    // Busy hosts: 10 minutes of 1,000 requests a minute can tell a doubling of a 0.5 % error rate from chance.
    const id = await rolling("roll-good", 0.005, 1000);
    await svc.container.batches.runDue();
    const list = (await (await svc.request("GET", `/api/v1/releases/${id}/batches`)).json()) as { batches: Record<string, any>[] };
    expect(list.batches.map((b) => [b.batch.index, b.status])).toEqual([[1, "pass"]]);
    const missing = await svc.request("GET", `/api/v1/releases/${id}/batches/2/verdict`);
    expect(missing.status).toBe(404);
  });

  it("keeps a quiet batch analyzing with the time it will be decided by, and holds only at the maximum, saying why for a concurrent comparison", async () => {
    svc = createTestService({ now: F.T, rulesDir: batchRules("roll-quiet", { proceed: "evidence", maxMinutes: 60 }) });
    const f = fleet(svc, "roll-quiet");
    await f.push(F.T - 1440 * MIN, 1440, 400, () => 0.005, 7);
    // Batch 1's two hosts see 30 requests a minute between them, far too few to tell a doubling of 0.5 % from chance.
    await f.push(F.T, 80, 30, () => 0.005, 8, F.FIRST);
    await f.push(F.T, 80, 400, () => 0.005, 9, F.SECOND);
    const id = await f.batchEvent("started", 1, F.T);
    await f.batchEvent("finished", 1, F.T + 30_000);
    const early = await f.tick(id, 1, F.T + 15 * MIN);
    expect(early).toMatchObject({ status: "analyzing", final: false, provisional: false });
    expect(Date.parse(early.decide_by)).toBeGreaterThan(F.T + 15 * MIN);
    expect(Date.parse(early.decide_by)).toBeLessThanOrEqual(F.T + 70 * MIN);
    expect(early.summary).not.toMatch(/longer baseline window/);
    const held = await f.tick(id, 1, Date.parse(early.decide_by) + 2 * MIN);
    expect(held).toMatchObject({ status: "hold", final: true });
    expect(held.checks[0].sequential.design).toBe("concurrent");
    expect(held.windows.baseline.label).toMatch(/hosts not yet updated/);
    const text = `${held.summary} ${held.checks[0].reason}`;
    expect(text).not.toMatch(/longer baseline window|history/);
    expect(text).toMatch(/expected from the hosts or version not yet updated, over the same minutes/);
    expect(text).toMatch(/after 60 minutes \(the maximum\).*still neither a clear change nor enough to rule out ×2\.00/);
  }, 60_000);
});
