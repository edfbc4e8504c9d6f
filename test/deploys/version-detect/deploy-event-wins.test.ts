import { afterEach, describe, expect, it } from "vitest";
import { VersionDetector } from "../../../src/deploys/version-detector.ts";
import type { LogEvent } from "../../../src/telemetry/log-event.ts";
import { TelemetryStore } from "../../../src/telemetry/telemetry-store.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { generateTraffic } from "../../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");

let svc: TestService;
afterEach(() => svc?.close());

async function traffic(service: string, version: string, start: number, minutes: number, seed: number): Promise<void> {
  const events = generateTraffic({ service, start, minutes, perMinute: 50, errorRate: 0.01, latencyMs: 100, version, seed });
  expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
}

async function deploy(body: Record<string, unknown>): Promise<string> {
  const res = await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "2", ...body });
  expect(res.status).toBe(202);
  return ((await res.json()) as { release_id: string }).release_id;
}

interface Release { id: string; version: string; status: string }
const releases = async () => ((await (await svc.request("GET", "/api/v1/releases?service=pay")).json()) as { releases: Release[] }).releases;
const release = async (id: string) => (await (await svc.request("GET", `/api/v1/releases/${id}`)).json()) as Record<string, any>;
const detections = () => svc.sql("SELECT release_id AS id FROM audit_events WHERE kind = 'deploy_detected'").all();

/** Version 1 for half an hour, then version 2 from T: a release opened from the version label. */
async function detected(): Promise<string> {
  await traffic("pay", "1", T - 30 * MIN, 30, 1);
  await traffic("pay", "2", T, 3, 2);
  const [auto] = await releases();
  expect((await release(auto!.id)).deploys.map((d: { tool: string }) => d.tool)).toEqual(["version-label"]);
  return auto!.id;
}

describe("a deploy event for a version seen from its label", () => {
  it("takes the release over, and its windows come from the deploy event", async () => {
    svc = createTestService({ now: T + 10 * MIN });
    const auto = await detected();
    const started = await deploy({ phase: "started", timestamp: T + 4 * MIN, tool: "argo" });
    const finished = await deploy({ phase: "finished", timestamp: T + 5 * MIN + 30_000 });
    expect([started, finished]).toEqual([auto, auto]);
    expect((await releases()).map((r) => r.version)).toEqual(["2"]);
    const view = await release(auto);
    expect(view.deploys.map((d: { tool: string | null; status: string }) => [d.tool, d.status])).toEqual([["argo", "finished"], ["version-label", "finished"]]);
    const row = await svc.sql("SELECT status, deploy_started_at AS started, analysis_start AS analysis FROM releases WHERE id = ?").get(auto);
    expect(row).toEqual({ status: "analyzing", started: T + 4 * MIN, analysis: T + 6 * MIN });
  });

  it("keeps the one final verdict of a release already judged from its label: a later deploy event joins that deploy", async () => {
    svc = createTestService({ now: T + 10 * MIN });
    const auto = await detected();
    await svc.sql("UPDATE releases SET status = 'fail', decided_at = ?, verdict = '{}' WHERE id = ?").run(T + 9 * MIN, auto);
    expect(await deploy({ phase: "started", timestamp: T + 7 * MIN, tool: "spinnaker" })).toBe(auto);
    expect(await deploy({ phase: "finished", timestamp: T + 8 * MIN, tool: "spinnaker" })).toBe(auto);
    const row = await svc.sql<{ status: string; decided_at: number | null; latest: string }>(
      "SELECT r.status, r.decided_at, d.tool AS latest FROM releases r JOIN deploys d ON d.id = r.latest_deploy_id WHERE r.id = ?").get(auto);
    expect(row).toEqual({ status: "fail", decided_at: T + 9 * MIN, latest: "version-label" });
    expect((await release(auto)).deploys).toHaveLength(1);
  });

  it("keeps the release a deploy event opened first: telemetry of its version opens nothing more", async () => {
    svc = createTestService({ now: T + 10 * MIN });
    await traffic("pay", "1", T - 30 * MIN, 30, 1);
    const id = await deploy({ phase: "started", timestamp: T - MIN, tool: "argo" });
    await traffic("pay", "2", T, 3, 2);
    await deploy({ phase: "finished", timestamp: T + 2 * MIN });
    expect((await releases()).map((r) => r.id)).toEqual([id]);
    expect((await release(id)).deploys.map((d: { tool: string }) => d.tool)).toEqual(["argo"]);
    expect(await detections()).toEqual([]);
  });

  it("opens one release when two replicas store the new version's first batches at once", async () => {
    svc = createTestService({ now: T + 10 * MIN });
    await traffic("pay", "1", T - 30 * MIN, 30, 1);
    const c = svc.container;
    const replica = () => new TelemetryStore(c.store, new VersionDetector(c.store, c.rules, c.deploys, c.audit, c.now));
    const batch = (host: string): LogEvent[] => Array.from({ length: 200 }, (_, i) => ({
      ts: T + i * 600, service: "pay", environment: "production", host, version: "2", level: undefined, status: 200, latencyMs: 50, route: "/pay", message: undefined, isError: false,
    }));
    await Promise.all([replica().insertLogs(batch("a")), replica().insertLogs(batch("b")), replica().insertLogs(batch("c"))]);
    expect((await releases()).map((r) => r.version)).toEqual(["2"]);
    expect(await detections()).toHaveLength(1);
    expect(await svc.sql("SELECT count(*) AS n FROM deploys").get()).toEqual({ n: 1 });
    expect(await svc.sql("SELECT version, first_minute AS minute FROM service_versions WHERE service = 'pay' ORDER BY version").all()).toEqual([
      { version: "1", minute: T - 30 * MIN }, { version: "2", minute: T },
    ]);
  });
});
