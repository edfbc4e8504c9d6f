import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T = Date.parse("2026-11-21T12:00:00Z");

/**
 * The default rule with another baseline kind, judged by the fixed window of 30 minutes these kinds were built for
 * (the sequential engine falls back to a forecast when they cannot be had). Throws if rules/default.yaml no longer
 * has the lines it replaces, so the edit can never silently do nothing.
 */
const withBaseline = (baseline: string, mode: "sequential" | "fixed" = "fixed") => (yaml: string) => {
  const edited = yaml.replace(/^ {2}kind: auto\n/m, `${baseline}\n`).replace(/^ {2}mode: sequential\n/m, `  mode: ${mode}\n`);
  if (!edited.includes(baseline) || !edited.includes(`mode: ${mode}`)) throw new Error("rules/default.yaml changed: update withBaseline");
  return edited;
};

let svc: TestService;
afterEach(() => svc?.close());

async function logs(service: string, start: number, minutes: number, errorRate: number, seed: number, hosts?: string[], perMinute = 400) {
  const events = generateTraffic({ service, start, minutes, perMinute, errorRate, latencyMs: 100, seed, ...(hosts ? { hosts } : {}) });
  for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
}

async function release(service: string, version: string, start: number, extra: Record<string, unknown> = {}): Promise<string> {
  await svc.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: start, ...extra });
  const res = await svc.request("POST", "/api/v1/deploys", { service, version, phase: "finished", timestamp: start + MIN });
  return ((await res.json()) as { release_id: string }).release_id;
}

async function judged(id: string) {
  await svc.container.verdicts.runDue();
  return (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
}

describe("baselines, end to end through the API", () => {
  it("week_ago: compares with the same hours a week earlier", async () => {
    svc = createTestService({ rulesDir: rulesWith({ weekly: { service: "wk", edit: withBaseline("  kind: week_ago") } }), now: T + 40 * MIN });
    await logs("wk", T - 7 * DAY, 35, 0.005, 1);
    await logs("wk", T, 35, 0.05, 2);
    const v = await judged(await release("wk", "2", T));
    expect(v.status).toBe("fail");
    expect(v.windows.baseline).toMatchObject({ start: new Date(T + MIN - 7 * DAY).toISOString(), label: "the same hours a week earlier" });
  });

  it("previous_release: a service's first release is compared with the hour before its deploy, and says why", async () => {
    svc = createTestService({ rulesDir: rulesWith({ prev: { service: "pr", edit: withBaseline("  kind: previous_release") } }), now: T });
    await logs("pr", T - DAY - 60 * MIN, 95, 0.005, 3);
    svc.clock.now = T - DAY + 40 * MIN;
    const v1 = await judged(await release("pr", "1", T - DAY));
    expect(v1.status).toBe("pass");
    expect(v1.windows.baseline.label).toBe("no earlier good release of pr: compared with the 60 minutes before the deploy");
    // v1 passed on its own: v2 compares with it, with no help from outside the API.
    await logs("pr", T, 35, 0.05, 4);
    svc.clock.now = T + 40 * MIN;
    const v2 = await judged(await release("pr", "2", T));
    expect(v2.status).toBe("fail");
    expect(v2.windows.baseline).toMatchObject({ start: new Date(T - DAY + MIN).toISOString(), label: "release 1, at the same time after its deploy" });
    // v2 failed: v3 still compares with v1, never with the failed v2.
    await logs("pr", T + DAY, 35, 0.005, 5);
    svc.clock.now = T + DAY + 40 * MIN;
    const v3 = await judged(await release("pr", "3", T + DAY));
    expect(v3.windows.baseline.label).toBe("release 1, at the same time after its deploy");
    expect(v3.status).toBe("pass");
  });

  it("previous_release: a held release an operator approved serves as the baseline", async () => {
    svc = createTestService({ rulesDir: rulesWith({ prev: { service: "pa", edit: withBaseline("  kind: previous_release") } }), now: T });
    // No traffic before v1's deploy: v1 cannot be compared with anything and is held, until a person approves it.
    await logs("pa", T - DAY, 35, 0.005, 3);
    svc.clock.now = T - DAY + 40 * MIN;
    const v1 = await judged(await release("pa", "1", T - DAY));
    expect(v1.status).toBe("hold");
    const approved = await svc.request("POST", `/api/v1/releases/${v1.release_id}/decision`, { action: "approve", reason: "checked by hand" });
    expect(approved.status).toBe(201);
    await logs("pa", T, 35, 0.05, 4);
    svc.clock.now = T + 40 * MIN;
    const v2 = await judged(await release("pa", "2", T));
    expect(v2.windows.baseline.label).toBe("release 1, at the same time after its deploy");
    expect(v2.status).toBe("fail");
  });

  it("previous_release: a pass an operator marked as a missed regression never serves as the baseline", async () => {
    svc = createTestService({ rulesDir: rulesWith({ prev: { service: "pm", edit: withBaseline("  kind: previous_release") } }), now: T });
    for (const [i, start] of [T - 2 * DAY, T - DAY].entries()) {
      await logs("pm", start - 60 * MIN, 95, 0.005, 40 + i);
      svc.clock.now = start + 40 * MIN;
      expect((await judged(await release("pm", String(i + 1), start))).status).toBe("pass");
    }
    const v2 = (await (await svc.request("GET", "/api/v1/releases?service=pm")).json()) as { releases: { id: string; version: string }[] };
    const second = v2.releases.find((r) => r.version === "2")!;
    const marked = await svc.request("POST", `/api/v1/releases/${second.id}/decision`, { action: "mark_wrong", feedback: "missed_regression", reason: "errors rose the next day" });
    expect(marked.status).toBe(201);
    await logs("pm", T, 35, 0.005, 50);
    svc.clock.now = T + 40 * MIN;
    const v3 = await judged(await release("pm", "3", T));
    expect(v3.windows.baseline.label).toBe("release 1, at the same time after its deploy");
  });

  it("previous_release with count: pools the last N good releases", async () => {
    const edit = withBaseline("  kind: previous_release\n  count: 2");
    svc = createTestService({ rulesDir: rulesWith({ prev: { service: "pn", edit } }), now: T });
    const baselineN = (v: unknown) => (v as { checks: { signal: string; stats: { baseline_n: number } }[] }).checks.find((c) => c.signal === "error_rate")!.stats.baseline_n;
    let second = 0;
    for (const [i, start] of [T - 2 * DAY, T - DAY].entries()) {
      await logs("pn", start - 60 * MIN, 95, 0.005, 20 + i);
      svc.clock.now = start + 40 * MIN;
      const v = await judged(await release("pn", String(i + 1), start));
      expect(v.status).toBe("pass");
      if (i === 1) second = baselineN(v);
    }
    await logs("pn", T, 35, 0.005, 30);
    svc.clock.now = T + 40 * MIN;
    const v3 = await judged(await release("pn", "3", T));
    expect(v3.windows.baseline.label).toBe("the last 2 good releases (2, 1) pooled, at the same time after their deploys");
    // Release 2 was compared with release 1 alone; release 3 with both, minute by minute: about twice the requests.
    expect(baselineN(v3)).toBeGreaterThan(1.8 * second);
  });

  it("pinned: compares with a named release an operator approved, and refuses a pinned release that was held", async () => {
    svc = createTestService({ rulesDir: rulesWith({ pin: { service: "pin*", edit: withBaseline('  kind: pinned\n  version: "1.0"') } }), now: T });
    const ids: Record<string, string> = {};
    for (const service of ["pin-a", "pin-b"]) {
      await logs(service, T - DAY, 35, 0.005, 6);
      ids[service] = await release(service, "1.0", T - DAY);
    }
    // 1.0 pinned to itself cannot be judged: both are held; only pin-a's is approved.
    svc.clock.now = T - DAY + 40 * MIN;
    expect((await judged(ids["pin-a"]!)).status).toBe("hold");
    expect((await svc.request("POST", `/api/v1/releases/${ids["pin-a"]}/decision`, { action: "approve", reason: "baseline by hand" })).status).toBe(201);
    await logs("pin-a", T, 35, 0.05, 7);
    await logs("pin-b", T, 35, 0.05, 7);
    svc.clock.now = T + 40 * MIN;
    const a = await judged(await release("pin-a", "2.0", T));
    expect(a.status).toBe("fail");
    expect(a.windows.baseline.label).toBe("the pinned release 1.0, at the same time after its deploy");
    const b = await judged(await release("pin-b", "2.0", T));
    expect(b.status).toBe("hold");
    expect(b.checks[0].reason).toContain("the pinned release 1.0 ended as 'hold'");
  });

  it("concurrent: compares updated hosts with the rest over the same minutes, so a fleet-wide rise is not blamed", async () => {
    svc = createTestService({ rulesDir: rulesWith({ canary: { service: "cn*", edit: withBaseline("  kind: concurrent") } }), now: T + 40 * MIN });
    const fleet = ["web-1", "web-2", "web-3", "web-4"];
    // Before the deploy every host errs at 0.5 %; after it, all of them at 2 % (a busy evening, not the release).
    for (const service of ["cn-good", "cn-bad", "plain"]) await logs(service, T - 60 * MIN, 60, 0.005, 8, fleet);
    await logs("cn-good", T, 35, 0.02, 9, fleet, 800);
    await logs("plain", T, 35, 0.02, 9, fleet, 800);
    await logs("cn-bad", T, 35, 0.02, 10, ["web-2", "web-3", "web-4"], 600);
    await logs("cn-bad", T, 35, 0.08, 11, ["web-1"], 200);
    const good = await judged(await release("cn-good", "7", T, { hosts: ["web-1"] }));
    expect(good.status).toBe("pass");
    expect(good.windows.baseline.label).toBe("the hosts not yet updated, over the same minutes (1 updated)");
    const bad = await judged(await release("cn-bad", "7", T, { hosts: ["web-1"] }));
    expect(bad.status).toBe("fail");
    // The same traffic judged before/after (the default rule) blames the release for the evening.
    const before = await judged(await release("plain", "7", T, { hosts: ["web-1"] }));
    expect(before.status).toBe("fail");
  });

  it("concurrent, once every host is updated: the same hosts in the hour before the deploy, not a hold for want of old hosts", async () => {
    svc = createTestService({ rulesDir: rulesWith({ canary: { service: "cn*", edit: withBaseline("  kind: concurrent") } }), now: T + 40 * MIN });
    const fleet = ["web-1", "web-2", "web-3", "web-4"];
    await logs("cn-all", T - 60 * MIN, 60, 0.005, 8, fleet);
    await logs("cn-all", T, 35, 0.05, 9, fleet, 800);
    const all = await judged(await release("cn-all", "7", T, { hosts: fleet }));
    expect(all.windows.baseline.label).toBe("the same 4 host(s) in the hour before the deploy (no host was left on the old version)");
    expect(all.status).toBe("fail");
  });
});
