import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../../support/rule-files.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { generateTraffic, type LogRecord } from "../../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");

let svc: TestService;
afterEach(() => svc?.close());

async function send(events: LogRecord[]): Promise<void> {
  expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
}

/** Version 1 alone for an hour, then both serving side by side from T on (as a canary's pods do). */
async function canary(service: string, v2ErrorRate: number, minutes = 60): Promise<void> {
  await send(generateTraffic({ service, start: T - 60 * MIN, minutes: 60, perMinute: 400, errorRate: 0.01, latencyMs: 100, version: "1", hosts: ["old-1", "old-2"], seed: 1 }));
  const old = generateTraffic({ service, start: T, minutes, perMinute: 300, errorRate: 0.01, latencyMs: 100, version: "1", hosts: ["old-1", "old-2"], seed: 2 });
  const fresh = generateTraffic({ service, start: T + 15_000, minutes, perMinute: 300, errorRate: v2ErrorRate, latencyMs: 100, version: "2", hosts: ["new-1"], seed: 3 });
  await send([...old, ...fresh].sort((a, b) => a.timestamp - b.timestamp));
}

interface ReleaseList { releases: { id: string; version: string; status: string }[] }
const releasesOf = async (service: string) => ((await (await svc.request("GET", `/api/v1/releases?service=${service}`)).json()) as ReleaseList).releases;

async function judged(id: string) {
  await svc.container.verdicts.runDue();
  return (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
}

describe("deploys seen from version labels, with no deploy event", () => {
  it("opens a release for version 2 at the first minute it served, marked as seen from version labels, and none for version 1", async () => {
    svc = createTestService({ now: T + 2 * MIN });
    await send(generateTraffic({ service: "vd", start: T - 60 * MIN, minutes: 60, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "1", seed: 1 }));
    expect(await releasesOf("vd")).toEqual([]);
    await send(generateTraffic({ service: "vd", start: T + 20_000, minutes: 2, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "2", seed: 2 }));
    const [release, ...more] = await releasesOf("vd");
    expect(more).toEqual([]);
    expect(release).toMatchObject({ version: "2", status: "analyzing" });
    const view = (await (await svc.request("GET", `/api/v1/releases/${release!.id}`)).json()) as Record<string, any>;
    expect(view.deploys).toHaveLength(1);
    expect(view.deploys[0]).toMatchObject({ tool: "version-label", status: "finished", startedAt: T, finishedAt: T });
    // The dashboard's release page shows the audit log: the line says where the release came from.
    const page = await (await svc.request("GET", `/releases/${release!.id}`)).text();
    expect(page).toContain("Version 2 first served at 2026-11-21T12:00:00.000Z");
    expect(page).toContain("opened from its version label");
  });

  it("moves a release opened from a label, not yet decided, to an earlier minute of its version stored later", async () => {
    svc = createTestService({ now: T + 10 * MIN });
    await send(generateTraffic({ service: "vo", start: T - 30 * MIN, minutes: 30, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "1", seed: 1 }));
    await send(generateTraffic({ service: "vo", start: T + 5 * MIN, minutes: 2, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "2", seed: 2 }));
    await send(generateTraffic({ service: "vo", start: T + 2 * MIN, minutes: 2, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "2", seed: 3 }));
    const [release, ...more] = await releasesOf("vo");
    expect(more).toEqual([]);
    const row = await svc.sql("SELECT deploy_started_at AS started, analysis_start AS analysis FROM releases WHERE id = ?").get(release!.id);
    expect(row).toEqual({ started: T + 2 * MIN, analysis: T + 2 * MIN });
    const audit = await svc.sql<{ message: string }>("SELECT message FROM audit_events WHERE release_id = ? ORDER BY id").all(release!.id);
    expect(audit.map((a) => a.message.split(",")[0])).toEqual([
      "Version 2 first served at 2026-11-21T12:05:00.000Z",
      "Version 2 was seen serving earlier",
    ]);
  });

  it("judges version 2 against version 1 serving beside it, and fails it on 5× the error rate", async () => {
    svc = createTestService({ now: T });
    await canary("vf", 0.05);
    const [release] = await releasesOf("vf");
    svc.clock.now = T + 62 * MIN;
    const v = await judged(release!.id);
    expect(v.status).toBe("fail");
    const errors = v.checks.find((c: { signal: string }) => c.signal === "error_rate");
    expect(errors).toMatchObject({ status: "fail", sequential: { design: "concurrent" } });
    expect(v.windows.baseline.label).toBe("the traffic still served by the previous version, over the same minutes");
    expect(v.windows.analysis.start).toBe(new Date(T).toISOString());
  });

  it("passes version 2 when it errs as often as version 1", async () => {
    svc = createTestService({ now: T });
    await canary("vp", 0.01);
    const [release] = await releasesOf("vp");
    svc.clock.now = T + 62 * MIN;
    const v = await judged(release!.id);
    expect(v.checks.find((c: { signal: string }) => c.signal === "error_rate")).toMatchObject({ status: "pass", sequential: { design: "concurrent" } });
    expect(v.status).toBe("pass");
  });

  it("opens nothing for telemetry without a version, for the version already serving, or under a rule with auto_detect_deploys: false", async () => {
    const off = (yaml: string) => {
      const edited = yaml.replace(/^match:\n/m, "auto_detect_deploys: false\nmatch:\n");
      if (edited === yaml) throw new Error("rules/default.yaml changed: update this edit");
      return edited;
    };
    svc = createTestService({ rulesDir: rulesWith({ manual: { service: "manual", edit: off } }), now: T + 2 * MIN });
    for (const service of ["manual", "same"]) {
      await send(generateTraffic({ service, start: T - 30 * MIN, minutes: 30, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "1", seed: 1 }));
    }
    await send(generateTraffic({ service: "manual", start: T, minutes: 2, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "2", seed: 2 }));
    await send(generateTraffic({ service: "same", start: T, minutes: 2, perMinute: 50, errorRate: 0.01, latencyMs: 100, version: "1", seed: 3 }));
    await send(generateTraffic({ service: "same", start: T, minutes: 2, perMinute: 50, errorRate: 0.01, latencyMs: 100, seed: 4 }));
    expect(await releasesOf("manual")).toEqual([]);
    expect(await releasesOf("same")).toEqual([]);
    // The version was still recorded: turning detection back on later does not open a release for it then.
    expect(await svc.sql("SELECT version FROM service_versions WHERE service = 'manual' ORDER BY version").all()).toEqual([{ version: "1" }, { version: "2" }]);
  });
});
