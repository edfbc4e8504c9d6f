/**
 * Issue 11, "Done when", through the HTTP API: the sequential engine with the shipped default rule.
 * Traffic is pushed as request logs; the clock is the test's, so minutes pass without waiting.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededSampler } from "../support/seeded-sampler.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

const MINUTE = 60_000;
const DEPLOY_AT = Date.parse("2026-11-21T09:00:00Z");

interface Shape {
  service: string;
  from: number;
  minutes: number;
  rpm: number;
  /** Error probability at a minute (epoch ms). */
  errorRate: (t: number) => number;
  hosts: string[];
  version?: string;
  seed: number;
  /** Only these hosts carry the changed error rate (a rolling deploy's updated hosts). */
  errorRateOn?: (host: string, t: number) => number;
}

/** Request logs minute by minute: Poisson counts per minute, errors drawn per request. */
function* logs(s: Shape): Generator<Record<string, unknown>> {
  const rnd = seededSampler(s.seed);
  for (let m = 0; m < s.minutes; m++) {
    const t = s.from + m * MINUTE;
    const n = rnd.poisson(s.rpm);
    for (let i = 0; i < n; i++) {
      const host = s.hosts[i % s.hosts.length]!;
      const p = s.errorRateOn ? s.errorRateOn(host, t) : s.errorRate(t);
      yield {
        timestamp: t + Math.floor((i / n) * MINUTE), service: s.service, host, status: rnd.uniform() < p ? 503 : 200,
        latency_ms: Math.round(80 * Math.exp(0.4 * rnd.normal()) * 10) / 10, ...(s.version ? { version: s.version } : {}),
      };
    }
  }
}

async function push(svc: TestService, shape: Shape): Promise<void> {
  let batch: Record<string, unknown>[] = [];
  const send = async () => {
    const res = await svc.request("POST", "/api/v1/logs", { events: batch });
    expect(res.status, await res.clone().text()).toBe(202);
    batch = [];
  };
  for (const event of logs(shape)) {
    batch.push(event);
    if (batch.length === 10_000) await send();
  }
  if (batch.length > 0) await send();
}

async function deploy(svc: TestService, service: string, version: string, extra: Record<string, unknown> = {}): Promise<string> {
  const started = await svc.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: DEPLOY_AT, ...extra });
  expect(started.status).toBe(202);
  const finished = await svc.request("POST", "/api/v1/deploys", { service, version, phase: "finished", timestamp: DEPLOY_AT + MINUTE, ...extra });
  return ((await finished.json()) as { release_id: string }).release_id;
}

interface VerdictBody {
  status: string;
  final: boolean;
  summary: string;
  windows: { analysis: { start: string; end: string } };
  checks: { signal: string; status: string; reason: string; sequential: { status: string; design: string; design_reason: string; minutes_used: number; max_minutes: number; low_assurance: boolean } | null }[];
}

async function evaluate(svc: TestService, id: string): Promise<VerdictBody> {
  const res = await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as VerdictBody;
}

const minutesOfData = (v: VerdictBody) => (Date.parse(v.windows.analysis.end) - Date.parse(v.windows.analysis.start)) / MINUTE;

describe("sequential verdicts through the HTTP API (default rule)", () => {
  let svc: TestService;
  beforeAll(() => {
    svc = createTestService({ now: DEPLOY_AT + 5 * 3600_000 });
  });
  afterAll(() => svc.close());

  it("passes an unchanged release at 200 rpm with a flat 0.5 % error rate and two hours of history", async () => {
    const flat = { service: "flat", rpm: 200, errorRate: () => 0.005, hosts: ["web-1", "web-2"] };
    await push(svc, { ...flat, from: DEPLOY_AT - 120 * MINUTE, minutes: 120, seed: 1 });
    const id = await deploy(svc, "flat", "2.0.0");
    await push(svc, { ...flat, from: DEPLOY_AT + MINUTE, minutes: 240, seed: 2 });
    const v = await evaluate(svc, id);
    expect(v.status, v.summary).toBe("pass");
    expect(v.final).toBe(true);
    // Under a day of history: the hour before, said to be of low assurance.
    const errors = v.checks.find((c) => c.signal === "error_rate")!;
    expect(errors.sequential?.design).toBe("before_deploy");
    expect(errors.sequential?.low_assurance).toBe(true);
    // Decided at the first decisive look, not at the end of the data.
    expect(minutesOfData(v)).toBeLessThan(240);
  }, 120_000);

  describe("three days of history with a daily cycle", () => {
    const daily = (t: number) => 0.006 * (1 + 0.4 * Math.sin((2 * Math.PI * ((t / MINUTE) % 1440)) / 1440));
    const shape = { rpm: 100, hosts: ["web-1", "web-2"] };

    it("passes an unchanged release within an hour of data", async () => {
      await push(svc, { ...shape, service: "cyclic", errorRate: daily, from: DEPLOY_AT - 3 * 1440 * MINUTE, minutes: 3 * 1440, seed: 3 });
      const id = await deploy(svc, "cyclic", "7.1.0");
      await push(svc, { ...shape, service: "cyclic", errorRate: daily, from: DEPLOY_AT + MINUTE, minutes: 240, seed: 4 });
      const v = await evaluate(svc, id);
      expect(v.status, v.summary).toBe("pass");
      expect(v.checks.find((c) => c.signal === "error_rate")!.sequential?.design).toBe("forecast");
      expect(minutesOfData(v)).toBeLessThanOrEqual(60);
    }, 180_000);

    it("fails a release with five times the errors within 15 minutes of data", async () => {
      await push(svc, { ...shape, service: "cyclic-bad", errorRate: daily, from: DEPLOY_AT - 3 * 1440 * MINUTE, minutes: 3 * 1440, seed: 5 });
      const id = await deploy(svc, "cyclic-bad", "7.2.0");
      await push(svc, { ...shape, service: "cyclic-bad", errorRate: (t) => 5 * daily(t), from: DEPLOY_AT + MINUTE, minutes: 240, seed: 6 });
      const v = await evaluate(svc, id);
      expect(v.status, v.summary).toBe("fail");
      expect(minutesOfData(v)).toBeLessThanOrEqual(15);
      expect(v.checks.find((c) => c.signal === "error_rate")!.reason).toMatch(/expected/);
    }, 180_000);
  });

  it("compares updated hosts with the rest when a rolling deploy names its hosts", async () => {
    const hosts = ["web-1", "web-2", "web-3", "web-4"];
    const base = { service: "rolling", rpm: 400, hosts, errorRate: () => 0.01 };
    await push(svc, { ...base, from: DEPLOY_AT - 1440 * MINUTE, minutes: 1440, seed: 7 });
    const id = await deploy(svc, "rolling", "3.0.0", { hosts: ["web-1", "web-2"] });
    await push(svc, { ...base, from: DEPLOY_AT + MINUTE, minutes: 120, seed: 8, errorRateOn: (h) => (h === "web-1" || h === "web-2" ? 0.05 : 0.01) });
    const v = await evaluate(svc, id);
    const errors = v.checks.find((c) => c.signal === "error_rate")!;
    expect(errors.sequential?.design, JSON.stringify(errors.sequential)).toBe("concurrent");
    expect(v.status, v.summary).toBe("fail");
  }, 180_000);
});

describe("a signal that never varies (issue 11: it once crashed the power check and left the release analyzing)", () => {
  it("judges a release whose latencies are all identical and whose errors are all zero, without a 5xx", async () => {
    const svc = createTestService({ now: DEPLOY_AT + 5 * 3600_000 });
    try {
      const constant = (from: number, minutes: number) =>
        Array.from({ length: minutes * 100 }, (_, i) => ({ timestamp: from + Math.floor(i / 100) * MINUTE, service: "flatline", host: "web-1", status: 200, latency_ms: 50 }));
      for (const from of [DEPLOY_AT - 120 * MINUTE, DEPLOY_AT - 60 * MINUTE]) {
        expect((await svc.request("POST", "/api/v1/logs", { events: constant(from, 60) })).status).toBe(202);
      }
      const id = await deploy(svc, "flatline", "1.0.1");
      // 24,000 events in three requests: a request carries at most 10,000.
      for (const from of [DEPLOY_AT + MINUTE, DEPLOY_AT + 91 * MINUTE, DEPLOY_AT + 181 * MINUTE]) {
        expect((await svc.request("POST", "/api/v1/logs", { events: constant(from, from === DEPLOY_AT + 181 * MINUTE ? 60 : 90) })).status).toBe(202);
      }
      const v = await evaluate(svc, id);
      expect(["pass", "hold", "analyzing"]).toContain(v.status);
      for (const c of v.checks) expect(c.reason).not.toMatch(/could not be computed/);
    } finally {
      svc.close();
    }
  }, 60_000);
});

describe("live and replayed releases reach the same verdict, and a hold only at the maximum", () => {
  const shape = { rpm: 200, errorRate: () => 0.005, hosts: ["web-1", "web-2"] };

  it("the scheduler, minute by minute, and POST /evaluate on stored data decide at the same look", async () => {
    const live = createTestService({ now: DEPLOY_AT });
    const replay = createTestService({ now: DEPLOY_AT + 5 * 3600_000 });
    try {
      for (const svc of [live, replay]) {
        await push(svc, { ...shape, service: "twin", from: DEPLOY_AT - 180 * MINUTE, minutes: 180, seed: 11 });
      }
      const liveId = await deploy(live, "twin", "9.0.0");
      const replayId = await deploy(replay, "twin", "9.0.0");
      const after = { ...shape, service: "twin", errorRate: () => 0.03, from: DEPLOY_AT + MINUTE, minutes: 90, seed: 12 };
      await push(replay, after);
      await push(live, after);
      let liveVerdict: VerdictBody | undefined;
      for (let m = 1; m <= 90 && !liveVerdict?.final; m++) {
        live.clock.now = DEPLOY_AT + (m + 1) * MINUTE + 61_000;
        await live.container.verdicts.runAllDue();
        liveVerdict = (await (await live.request("GET", `/api/v1/releases/${liveId}/verdict`)).json()) as VerdictBody;
      }
      const replayed = await evaluate(replay, replayId);
      expect(liveVerdict?.final).toBe(true);
      expect(replayed.status).toBe(liveVerdict!.status);
      expect(replayed.windows.analysis.end).toBe(liveVerdict!.windows.analysis.end);
    } finally {
      live.close();
      replay.close();
    }
  }, 180_000);

  it("keeps a quiet release analyzing, with the time its decision is due, instead of holding it early", async () => {
    // A live release 45 minutes in (the clock, not only the data, is there).
    const svc = createTestService({ now: DEPLOY_AT + 47 * MINUTE });
    try {
      const quiet = { rpm: 20, errorRate: () => 0.005, hosts: ["web-1"], service: "quiet" };
      await push(svc, { ...quiet, from: DEPLOY_AT - 120 * MINUTE, minutes: 120, seed: 13 });
      const id = await deploy(svc, "quiet", "1.2.3");
      await push(svc, { ...quiet, from: DEPLOY_AT + MINUTE, minutes: 45, seed: 14 });
      const early = (await evaluate(svc, id)) as VerdictBody & { decide_by: string | null };
      expect(early.status, JSON.stringify(early.checks.map((c) => [c.signal, c.status, c.sequential, c.reason]))).toBe("analyzing");
      expect(early.final).toBe(false);
      expect(Date.parse(early.decide_by!)).toBeGreaterThan(DEPLOY_AT + 60 * MINUTE);
      expect(early.summary).toMatch(/expected by/);
      await push(svc, { ...quiet, from: DEPLOY_AT + 46 * MINUTE, minutes: 240, seed: 15 });
      svc.clock.now = DEPLOY_AT + 5 * 3600_000;
      const late = await evaluate(svc, id);
      expect(late.final).toBe(true);
      // Whatever the outcome, no signal is held before its own maximum.
      for (const c of late.checks) {
        if (c.sequential?.status === "hold") expect(c.sequential.minutes_used).toBe(c.sequential.max_minutes);
      }
    } finally {
      svc.close();
    }
  }, 120_000);
});

describe("an absolute error budget beside the relative change (issue 11, low traffic)", () => {
  it("fails a release that burns a 99.9 % objective thirty times too fast, with no history to compare with", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-budget-rules-"));
    writeFileSync(join(dir, "budget.yaml"), [
      "name: budget", "match: { service: checkout-slo }", "signals:",
      "  - { name: availability, kind: error_budget, objective: 0.999, burn_rate: 14.4, critical: true, min_samples: 100 }",
    ].join("\n"));
    const svc = createTestService({ now: DEPLOY_AT + 5 * 3600_000, rulesDir: dir });
    try {
      const id = await deploy(svc, "checkout-slo", "5.0.0");
      await push(svc, { service: "checkout-slo", rpm: 200, errorRate: () => 0.03, hosts: ["web-1"], from: DEPLOY_AT + MINUTE, minutes: 60, seed: 21 });
      const v = await evaluate(svc, id);
      expect(v.status, v.summary).toBe("fail");
      expect(minutesOfData(v)).toBeLessThanOrEqual(15);
      expect(v.checks[0]!.reason).toMatch(/error budget allows/);
    } finally {
      svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("explicit reference windows in the sequential engine", () => {
  it("week_ago judges the release against the same minutes a week earlier, not against a forecast", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-weekago-"));
    writeFileSync(join(dir, "week.yaml"), [
      "name: week", "match: { service: weekly }", "baseline: { kind: week_ago }", "analysis: { mode: sequential }",
      "signals:", "  - { name: errors, kind: error_rate, fail: { relative: 0.5, absolute: 0.001 }, detect: { relative: 1 }, critical: true }",
    ].join("\n"));
    const svc = createTestService({ rulesDir: dir, now: DEPLOY_AT + 5 * 3600_000 });
    try {
      const week = 7 * 1440 * MINUTE;
      const shape = { service: "weekly", rpm: 300, hosts: ["web-1", "web-2"] };
      // A week ago the same hours ran at 4 % errors; the hours just before the deploy at 0.5 %.
      await push(svc, { ...shape, errorRate: () => 0.04, from: DEPLOY_AT - week, minutes: 240, seed: 21 });
      await push(svc, { ...shape, errorRate: () => 0.005, from: DEPLOY_AT - 180 * MINUTE, minutes: 180, seed: 22 });
      const id = await deploy(svc, "weekly", "3.0.0");
      await push(svc, { ...shape, errorRate: () => 0.02, from: DEPLOY_AT + MINUTE, minutes: 120, seed: 23 });
      const v = await evaluate(svc, id);
      const errors = v.checks.find((c) => c.signal === "errors")!;
      expect(errors.sequential?.design, JSON.stringify(v.checks)).toBe("reference");
      // Against the forecast (0.5 %) a fourfold rise fails; against the week before (4 %) it is no rise. The silent
      // week between the two blocks leaves the wander unmeasurable, so a pass is not asked for here.
      expect(v.status).not.toBe("fail");
      // The week before's 4 % (give or take its minutes' noise), not the forecast's 0.5 %.
      const expected = Number(/([\d.]+) % expected from the reference window/.exec(errors.reason ?? "")?.[1]);
      expect(expected, errors.reason).toBeGreaterThan(3);
      expect(expected, errors.reason).toBeLessThan(6);
    } finally {
      svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
