import { afterEach, describe, expect, it } from "vitest";
import { formatObserveRecord, observeRecords } from "../../src/rules/observe-record.ts";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");

/** Edits a copy of the default rule, failing loudly when the line it replaces is gone. */
const edit = (from: RegExp, to: string) => (yaml: string) => {
  const edited = yaml.replace(from, to);
  if (edited === yaml) throw new Error(`rules/default.yaml changed: ${from} not found`);
  return edited;
};
const observeRule = edit(/^description: /m, "mode: observe\ndescription: ");
const observeLatency = edit(/^ {4}kind: latency\n/m, "    kind: latency\n    mode: observe\n");

let svc: TestService;
afterEach(() => svc?.close());

async function logs(service: string, start: number, minutes: number, errorRate: number, latencyMs: number, seed: number) {
  const events = generateTraffic({ service, start, minutes, perMinute: 400, errorRate, latencyMs, seed });
  for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
}

async function release(service: string, after: { errorRate: number; latencyMs: number }): Promise<string> {
  await logs(service, T - 60 * MIN, 60, 0.005, 100, 1);
  await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: T });
  const res = await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: T + MIN });
  await logs(service, T + MIN, 35, after.errorRate, after.latencyMs, 2);
  return ((await res.json()) as { release_id: string }).release_id;
}

const get = async (path: string) => (await (await svc.request("GET", path)).json()) as Record<string, any>;

describe("observe mode (issue 12, item 5)", () => {
  it("an observe-only rule never blocks: the gate passes and the verdict shows it would have failed", async () => {
    svc = createTestService({ rulesDir: rulesWith({ trial: { service: "trial", edit: observeRule } }), now: T + 40 * MIN });
    const id = await release("trial", { errorRate: 0.05, latencyMs: 100 });
    await svc.container.verdicts.runDue();
    const v = await get(`/api/v1/releases/${id}/verdict`);
    expect(v).toMatchObject({ status: "pass", final: true, observe: true, would_have: "fail", observed_status: "fail" });
    expect(v.summary).toMatch(/^Observe only \(rule trial\): would have failed\./);
    expect(v.checks.find((c: any) => c.signal === "error_rate").status).toBe("fail");
    const gate = await get("/api/v1/gates/verdict?service=trial&version=2");
    expect(gate).toMatchObject({ status: "pass", observed_status: "fail" });
    expect((await get("/api/v1/services/trial/gate")).status).toBe("pass");
    // The record a team reads before promoting the rule to enforce.
    const [record] = await observeRecords(svc.container.store, 0);
    expect(record).toEqual({ rule: "trial", judged: 1, would_have: { pass: 0, warn: 0, fail: 1, hold: 0 } });
    expect(formatObserveRecord(record!)).toBe("observe  trial: 1 release(s) judged; would have failed 1, held 0, warned 0, passed 0");
  });

  it("an observe-only rule's release is not held by the gate while it is still analyzing", async () => {
    svc = createTestService({ rulesDir: rulesWith({ trial: { service: "trial", edit: observeRule } }), now: T + 13 * MIN });
    // A rise too small to decide on at the first look.
    const id = await release("trial", { errorRate: 0.008, latencyMs: 100 });
    await svc.container.verdicts.runDue();
    const v = await get(`/api/v1/releases/${id}/verdict`);
    expect(v, JSON.stringify(v)).toMatchObject({ status: "pass", engine_status: "analyzing", observe: true, observed_status: "analyzing" });
  });

  it("an observe signal never fails the release; its result is shown beside the others", async () => {
    svc = createTestService({ rulesDir: rulesWith({ slow: { service: "slow", edit: observeLatency } }), now: T + 40 * MIN });
    const id = await release("slow", { errorRate: 0.005, latencyMs: 300 });
    await svc.container.verdicts.runDue();
    const v = await get(`/api/v1/releases/${id}/verdict`);
    expect(v.status).toBe("pass");
    expect(v.observe).toBe(false);
    expect(v.checks.find((c: any) => c.signal === "latency")).toMatchObject({ status: "fail", observe: true });
    expect(v.checks.find((c: any) => c.signal === "error_rate")).toMatchObject({ status: "pass", observe: false });
  });

  it("rejects an unknown mode with the field named", async () => {
    svc = createTestService({ now: T });
    const bad = rulesWith({ typo: { service: "typo", edit: edit(/^description: /m, "mode: dry_run\ndescription: ") } });
    expect(() => createTestService({ rulesDir: bad })).toThrow(/mode/);
  });
});
