import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const NOW = Date.parse("2026-11-21T14:00:00Z");
const DEPLOYED = NOW - 120 * MIN;

let svc: TestService;
afterEach(() => svc?.close());

const verdict = async (id: string) => (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;

describe("a replayed deploy whose logs arrive after its events (issue 12, item 2)", () => {
  it("waits for its telemetry instead of holding it as silence, then judges it on the logs that arrive", async () => {
    svc = createTestService({ now: NOW });
    await svc.request("POST", "/api/v1/deploys", { service: "replay", version: "4", phase: "started", timestamp: DEPLOYED });
    const res = await svc.request("POST", "/api/v1/deploys", { service: "replay", version: "4", phase: "finished", timestamp: DEPLOYED + MIN });
    const id = ((await res.json()) as { release_id: string }).release_id;
    await svc.container.verdicts.runDue();
    const waiting = await verdict(id);
    expect(waiting.status).toBe("analyzing");

    svc.clock.now = NOW + MIN;
    const events = generateTraffic({ service: "replay", start: DEPLOYED - 60 * MIN, minutes: 180, perMinute: 400, errorRate: 0.005, latencyMs: 100, seed: 9 });
    for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
    svc.clock.now = NOW + 2 * MIN;
    await svc.container.verdicts.runDue();
    const judged = await verdict(id);
    expect(judged.status).toBe("pass");
    expect(judged.checks.every((c: any) => c.candidate !== null)).toBe(true);
  });

  it("still holds for no data once the telemetry had the whole window to arrive", async () => {
    svc = createTestService({ now: NOW });
    const history = generateTraffic({ service: "gone", start: DEPLOYED - 60 * MIN, minutes: 60, perMinute: 400, errorRate: 0.005, latencyMs: 100, seed: 3 });
    expect((await svc.request("POST", "/api/v1/logs", { events: history })).status).toBe(202);
    await svc.request("POST", "/api/v1/deploys", { service: "gone", version: "1", phase: "started", timestamp: DEPLOYED });
    const res = await svc.request("POST", "/api/v1/deploys", { service: "gone", version: "1", phase: "finished", timestamp: DEPLOYED + MIN });
    const id = ((await res.json()) as { release_id: string }).release_id;
    await svc.container.verdicts.runDue();
    expect((await verdict(id)).status).toBe("analyzing");
    svc.clock.now = NOW + 5 * 60 * MIN;
    await svc.container.verdicts.runDue();
    expect((await verdict(id)).status).toBe("hold");
  });
});
