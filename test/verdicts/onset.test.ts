import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");
let svc: TestService;
afterEach(() => svc?.close());

async function send(events: unknown[]) {
  for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
}

/** checkout 3 deploys at T (naming no hosts), payments 9 half a minute later; the scheduler runs; checkout's verdict. */
async function checkoutThenPayments(): Promise<{ done: { release_id: string; deploy_id: string }; v: Record<string, any> }> {
  await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "3", phase: "started", timestamp: T });
  const done = (await (await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "3", phase: "finished", timestamp: T + MIN })).json()) as { release_id: string; deploy_id: string };
  await svc.request("POST", "/api/v1/deploys", { service: "payments", version: "9", phase: "started", timestamp: T + 30_000 });
  await svc.request("POST", "/api/v1/deploys", { service: "payments", version: "9", phase: "finished", timestamp: T + 90_000 });
  await svc.container.verdicts.runDue();
  return { done, v: (await (await svc.request("GET", `/api/v1/releases/${done.release_id}/verdict`)).json()) as Record<string, any> };
}

describe("change onset and attribution", () => {
  it("says when errors rose and blames the deploy whose hosts changed, not the other service's deploy a moment later", async () => {
    svc = createTestService({ now: T + 40 * MIN });
    await send(generateTraffic({ service: "checkout", start: T - 60 * MIN, minutes: 61, perMinute: 800, errorRate: 0.005, latencyMs: 80, hosts: ["web-1", "web-2", "web-3", "web-4"], seed: 1 }));
    await send(generateTraffic({ service: "checkout", start: T + MIN, minutes: 35, perMinute: 400, errorRate: 0.08, latencyMs: 80, hosts: ["web-1", "web-2"], seed: 2 }));
    await send(generateTraffic({ service: "checkout", start: T + MIN, minutes: 35, perMinute: 400, errorRate: 0.005, latencyMs: 80, hosts: ["web-3", "web-4"], seed: 3 }));
    await svc.request("POST", "/api/v1/deploys", { service: "payments", version: "9", phase: "started", timestamp: T + 30_000, hosts: ["pay-1"] });
    await svc.request("POST", "/api/v1/deploys", { service: "payments", version: "9", phase: "finished", timestamp: T + 80_000 });
    await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "3", phase: "started", timestamp: T, hosts: ["web-1", "web-2"] });
    const done = (await (await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "3", phase: "finished", timestamp: T + MIN })).json()) as { release_id: string; deploy_id: string };
    await svc.container.verdicts.runDue();
    const v = (await (await svc.request("GET", `/api/v1/releases/${done.release_id}/verdict`)).json()) as Record<string, any>;
    expect(v.status).toBe("fail");
    const onset = v.checks.find((c: any) => c.signal === "error_rate").onset;
    expect(Math.abs(Date.parse(onset.at) - (T + MIN))).toBeLessThanOrEqual(MIN);
    expect(onset.follows).toBe(done.deploy_id);
    expect(onset.reason).toMatch(/^The change in errors began at 12:0\d UTC \(0\.\d % before, \d\.\d % after\)\. It follows the deploy of checkout 3 .*hosts match where the change shows best/);
  });

  it("blames a service's own deploy, not another service's deploy a moment later, when no deploy names hosts", async () => {
    svc = createTestService({ now: T + 40 * MIN });
    await send(generateTraffic({ service: "checkout", start: T - 60 * MIN, minutes: 61, perMinute: 800, errorRate: 0.005, latencyMs: 80, seed: 5 }));
    await send(generateTraffic({ service: "checkout", start: T + MIN, minutes: 35, perMinute: 800, errorRate: 0.06, latencyMs: 80, seed: 6 }));
    const { done, v } = await checkoutThenPayments();
    expect(v.status).toBe("fail");
    const onset = v.checks.find((c: any) => c.signal === "error_rate").onset;
    expect(onset.follows).toBe(done.deploy_id);
    expect(onset.reason).toContain("the deploy of checkout 3");
    expect(onset.reason).not.toContain("payments");
  });

  it("says attribution is ambiguous when another service deployed as close, naming no hosts, and its errors rose too", async () => {
    svc = createTestService({ now: T + 40 * MIN });
    for (const [service, seed] of [["checkout", 21], ["payments", 23]] as const) {
      await send(generateTraffic({ service, start: T - 60 * MIN, minutes: 61, perMinute: 800, errorRate: 0.005, latencyMs: 80, seed }));
      await send(generateTraffic({ service, start: T + MIN, minutes: 35, perMinute: 800, errorRate: 0.06, latencyMs: 80, seed: seed + 1 }));
    }
    const { done, v } = await checkoutThenPayments();
    const onset = v.checks.find((c: any) => c.signal === "error_rate").onset;
    expect(onset.follows).toBe(done.deploy_id);
    expect(onset.ambiguous).toBe(true);
    expect(onset.reason).toMatch(/Attribution is ambiguous: the deploy of payments 9 .* came within 2 minutes of it and that service's errors changed at the same time/);
  });

  it("is not ambiguous when the other service deployed as close but its own errors did not change", async () => {
    svc = createTestService({ now: T + 40 * MIN });
    await send(generateTraffic({ service: "checkout", start: T - 60 * MIN, minutes: 61, perMinute: 800, errorRate: 0.005, latencyMs: 80, seed: 31 }));
    await send(generateTraffic({ service: "checkout", start: T + MIN, minutes: 35, perMinute: 800, errorRate: 0.06, latencyMs: 80, seed: 32 }));
    await send(generateTraffic({ service: "payments", start: T - 60 * MIN, minutes: 96, perMinute: 800, errorRate: 0.005, latencyMs: 80, seed: 33 }));
    const { done, v } = await checkoutThenPayments();
    const onset = v.checks.find((c: any) => c.signal === "error_rate").onset;
    expect(onset.follows).toBe(done.deploy_id);
    expect(onset.ambiguous).toBeUndefined();
    expect(onset.reason).not.toContain("payments");
  });

  it("finds no onset for a release that passes", async () => {
    svc = createTestService({ now: T + 40 * MIN });
    await send(generateTraffic({ service: "calm", start: T - 60 * MIN, minutes: 96, perMinute: 500, errorRate: 0.005, latencyMs: 80, seed: 4 }));
    await svc.request("POST", "/api/v1/deploys", { service: "calm", version: "1", phase: "started", timestamp: T });
    const done = (await (await svc.request("POST", "/api/v1/deploys", { service: "calm", version: "1", phase: "finished", timestamp: T + MIN })).json()) as { release_id: string };
    await svc.container.verdicts.runDue();
    const v = (await (await svc.request("GET", `/api/v1/releases/${done.release_id}/verdict`)).json()) as Record<string, any>;
    expect(v.status).toBe("pass");
    expect(v.checks.every((c: any) => c.onset === null)).toBe(true);
  });
});
