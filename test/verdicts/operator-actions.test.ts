import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/http/app-error.ts";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");

/** The default rule plus a metric signal whose metric is never pushed: it holds the release at its 30 minutes. */
const withMissingMetric = (yaml: string) => {
  const signal = ["  - name: queue_depth", "    kind: metric", "    metric: queue_depth", "    fail: { relative: 0.5 }", "    no_data: hold"].join("\n");
  const edited = yaml.replace(/^actions:/m, `${signal}\nactions:`);
  if (edited === yaml) throw new Error("rules/default.yaml changed: update withMissingMetric");
  return edited;
};
let svc: TestService;
afterEach(() => svc?.close());

async function logs(service: string, start: number, minutes: number, seed: number, errorRate = 0.005) {
  const events = generateTraffic({ service, start, minutes, perMinute: 400, errorRate, latencyMs: 100, seed });
  for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
}

async function deploy(service: string, version: string): Promise<string> {
  svc.clock.now = T;
  await svc.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: T });
  svc.clock.now = T + MIN;
  const res = await svc.request("POST", "/api/v1/deploys", { service, version, phase: "finished", timestamp: T + MIN });
  return ((await res.json()) as { release_id: string }).release_id;
}

async function verdict(id: string) {
  return (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
}

const codeOf = async (work: () => Promise<void>) => {
  try {
    await work();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return "no error";
};

describe("skip a signal (verdict side of issue 12's skip)", () => {
  it("turns a hold caused only by the skipped signal into the verdict of the rest, and shows who skipped it", async () => {
    svc = createTestService({ rulesDir: rulesWith({ queue: { service: "shop", edit: withMissingMetric } }) });
    await logs("shop", T - 60 * MIN, 60, 1);
    const id = await deploy("shop", "2");
    await logs("shop", T + MIN, 35, 2);
    svc.clock.now = T + 40 * MIN;
    await svc.container.verdicts.runDue();
    const held = await verdict(id);
    expect(held.status).toBe("hold");
    expect(held.checks.find((c: any) => c.signal === "queue_depth").status).toBe("nodata");

    await svc.container.verdicts.skipSignal(id, "queue_depth", "alice", svc.clock.now);
    const after = await verdict(id);
    expect(after.status).toBe("pass");
    expect(after.final).toBe(true);
    expect(after.checks.find((c: any) => c.signal === "queue_depth")).toMatchObject({ status: "skipped", skipped: { by: "alice" } });
    expect(after.checks.filter((c: any) => c.status === "pass").map((c: any) => c.signal)).toEqual(["error_rate", "latency"]);
    // Skipping a signal twice records it once; the last enforced signal cannot be skipped.
    await svc.container.verdicts.skipSignal(id, "queue_depth", "alice", svc.clock.now);
    expect(await svc.sql("SELECT count(*) AS n FROM release_overrides WHERE release_id = ?").get(id)).toEqual({ n: 1 });
  });

  it("refuses an unknown signal with 422 and a decided release with 409", async () => {
    svc = createTestService();
    await logs("calm", T - 60 * MIN, 60, 3);
    const id = await deploy("calm", "1");
    await logs("calm", T + MIN, 35, 4);
    expect(await codeOf(() => svc.container.verdicts.skipSignal(id, "no_such_signal", "bob", svc.clock.now))).toBe("VALIDATION_FAILED");
    await svc.container.verdicts.skipSignal(id, "latency", "bob", svc.clock.now);
    expect(await codeOf(() => svc.container.verdicts.skipSignal(id, "error_rate", "bob", svc.clock.now))).toBe("CONFLICT");
    svc.clock.now = T + 40 * MIN;
    await svc.container.verdicts.runDue();
    expect((await verdict(id)).status).toBe("pass");
    expect(await codeOf(() => svc.container.verdicts.skipSignal(id, "error_rate", "bob", svc.clock.now))).toBe("CONFLICT");
  });
});

describe("retry: judge again with more data", () => {
  it("reopens a held release with a fresh window where the last ended, which then passes on the new minutes", async () => {
    svc = createTestService();
    await logs("late", T - 60 * MIN, 60, 5);
    const id = await deploy("late", "3");
    // Nothing arrives for the whole maximum window: held for want of data, never passed on silence.
    svc.clock.now = T + 245 * MIN;
    await svc.container.verdicts.runDue();
    const held = await verdict(id);
    expect(held.status).toBe("hold");
    expect(await codeOf(() => svc.container.verdicts.retry("rel-unknown", svc.clock.now))).toBe("NOT_FOUND");

    await svc.container.verdicts.retry(id, svc.clock.now);
    const reopened = await verdict(id);
    expect(reopened.engine_status).toBe("analyzing");
    expect(await codeOf(() => svc.container.verdicts.retry(id, svc.clock.now))).toBe("CONFLICT");
    const windowStart = Date.parse(held.windows.analysis.end);

    // A clearly healthy window (fewer errors than before): with under a day of history the wander allowance is the
    // fleet's (log sd 0.2), so an unchanged rate passes only when it reads within about ×1.1 of the hour before.
    await logs("late", T + 242 * MIN, 120, 6, 0.004);
    svc.clock.now = T + 364 * MIN;
    await svc.container.verdicts.runDue();
    const passed = await verdict(id);
    expect(passed.status, JSON.stringify({ w: passed.windows, s: passed.summary, c: passed.checks.map((c: any) => [c.signal, c.status, c.reason, c.sequential]) })).toBe("pass");
    expect(Date.parse(passed.windows.analysis.start)).toBe(windowStart);
    expect(await codeOf(() => svc.container.verdicts.retry(id, svc.clock.now))).toBe("CONFLICT");
  });
});
