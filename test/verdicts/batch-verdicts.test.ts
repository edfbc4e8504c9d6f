import { afterEach, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { runCli } from "../support/server-process.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

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
    expect(svc.container.batches.runDue()).toBe(1);
    batch = (await (await svc.request("GET", `/api/v1/releases/${id}/batches/1/verdict`)).json()) as Record<string, any>;
    expect(batch).toMatchObject({ status: "fail", final: true });
    expect(batch.summary).toMatch(/^roll-bad 4 in production, batch 1 of 3 is not healthy/);
    expect(batch.windows.baseline.label).toBe("the same 2 host(s) in the 60 minutes before the deploy");
    // On-call hears of the bad batch at once, through the same outbox as release verdicts.
    const queued = svc.container.db.$client.prepare("SELECT channel, payload FROM notifications").all() as { channel: string; payload: string }[];
    expect(queued.map((n) => n.channel)).toEqual(["slack"]);
    expect(JSON.parse(queued[0]!.payload).summary).toMatch(/batch 1 of 3 is not healthy/);
    // The release itself is still being deployed: only the batch has a verdict.
    const release = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
    expect(release.status).toBe("pending");

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
    svc.container.batches.runDue();
    const list = (await (await svc.request("GET", `/api/v1/releases/${id}/batches`)).json()) as { batches: Record<string, any>[] };
    expect(list.batches.map((b) => [b.batch.index, b.status])).toEqual([[1, "pass"]]);
    const missing = await svc.request("GET", `/api/v1/releases/${id}/batches/2/verdict`);
    expect(missing.status).toBe(404);
  });

  it("holds batch 1 when its hosts see too little traffic to tell, and says how long to wait", async () => {
    svc = createTestService({ now: T + 13 * MIN });
    const id = await rolling("roll-quiet", 0.005, 30);
    svc.container.batches.runDue();
    const batch = (await (await svc.request("GET", `/api/v1/releases/${id}/batches/1/verdict`)).json()) as Record<string, any>;
    expect(batch.status).toBe("hold");
    expect(batch.checks[0].reason).toMatch(/too little traffic to tell a 100 % rise in errors from chance \(a \d+ % chance of seeing it\); (need about \d+ more minutes at current traffic|the baseline itself is too small to tell)/);
  });
});
