import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:00Z");
const FINISH = START + 2 * MIN;
const ANALYSIS_END = FINISH + 30 * MIN;
/** The default rule's longest error-rate window (analysis.max_minutes). */
const MAX_WINDOW = 240 * MIN;

/** The shipped default rule for shop, judged by the fixed 30-minute window with interim checks. */
const fixedRules = () => rulesWith({ "shop-fixed": { service: "shop", edit: (yaml) => {
  const edited = yaml.replace(/^ {2}mode: sequential\n/m, "  mode: fixed\n");
  if (edited === yaml) throw new Error("rules/default.yaml changed: update fixedRules");
  return edited;
} } });

let svc: TestService;
afterEach(() => svc?.close());

async function scenario(after: { errorRate: number; latencyMs: number; perMinute?: number }, options: { ingestAfter?: boolean; rulesDir?: string } = {}) {
  svc = createTestService({ now: FINISH, ...(options.rulesDir ? { rulesDir: options.rulesDir } : {}) });
  const perMinute = after.perMinute ?? 400;
  const before = generateTraffic({ service: "shop", start: START - 60 * MIN, minutes: 60, perMinute: 400, errorRate: 0.005, latencyMs: 100, seed: 11 });
  expect((await svc.request("POST", "/api/v1/logs", { events: before })).status).toBe(202);
  await deploy("started", START);
  const res = await deploy("finished", FINISH);
  const releaseId = ((await res.json()) as { release_id: string }).release_id;
  if (options.ingestAfter !== false && perMinute > 0) {
    const events = generateTraffic({ service: "shop", start: FINISH, minutes: 32, perMinute, errorRate: after.errorRate, latencyMs: after.latencyMs, seed: 12 });
    for (let i = 0; i < events.length; i += 5000) {
      expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 5000) })).status).toBe(202);
    }
  }
  return releaseId;
}

function deploy(phase: string, timestamp: number) {
  return svc.request("POST", "/api/v1/deploys", { service: "shop", version: "5.0.1", phase, timestamp });
}

async function verdict(id: string) {
  return (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
}

describe("release lifecycle", () => {
  it("passes an unchanged release at its first decisive look, with sentences and numbers", async () => {
    const id = await scenario({ errorRate: 0.005, latencyMs: 100 });
    svc.clock.now = ANALYSIS_END + 61_000;
    expect(await svc.container.verdicts.runDue()).toBe(1);
    const v = await verdict(id);
    expect(v).toMatchObject({ status: "pass", final: true, score: 100, rule: "default" });
    expect(v.summary).toMatch(/^shop 5\.0\.1 in production looks healthy/);
    expect(v.checks.map((c: any) => [c.signal, c.status])).toEqual([["error_rate", "pass"], ["latency", "pass"]]);
    expect(v.checks[0].baseline).toBeCloseTo(0.005, 2);
    expect(v.checks[1].reason).toMatch(/typical requests took [\d.]+ ms against [\d.]+ ms/);
    // An hour of history only: the hour before the deploy, said to be of low assurance; decided on the 30 minutes stored.
    expect(v.checks[0].sequential).toMatchObject({ status: "pass", design: "before_deploy", low_assurance: true });
    expect(v.checks[0].sequential.minutes_used).toBeLessThanOrEqual(30);
  });

  it("fails a release that raised errors tenfold, saying so in plain words", async () => {
    const id = await scenario({ errorRate: 0.05, latencyMs: 100 });
    svc.clock.now = ANALYSIS_END + 61_000;
    await svc.container.verdicts.runDue();
    const v = await verdict(id);
    expect(v).toMatchObject({ status: "fail", final: true, score: 0 });
    expect(v.summary).toMatch(/should be rolled back: \d\.\d+ % of requests failed in the 10 minutes after the release/);
    const errors = v.checks.find((c: any) => c.signal === "error_rate");
    expect(errors.status).toBe("fail");
    expect(errors.change).toBeGreaterThan(5);
    expect(errors.stats.p_value).toBeLessThan(1e-6);
    expect(errors.reason).toMatch(/against [\d.]+ % expected from the hour before the deploy .*: ×[\d.]+ \(95 % interval ×[\d.]+ to ×[\d.]+\)/);
    // Decided at the first look, ten minutes after the deploy, not at the end of the data.
    expect(errors.sequential.minutes_used).toBe(10);
    expect(v.windows.analysis.end).toBe(new Date(FINISH + 10 * MIN).toISOString());
  });

  it("fails a release that made requests 40 % slower", async () => {
    const id = await scenario({ errorRate: 0.005, latencyMs: 140 });
    svc.clock.now = ANALYSIS_END + 61_000;
    await svc.container.verdicts.runDue();
    const v = await verdict(id);
    const latency = v.checks.find((c: any) => c.signal === "latency");
    expect(latency.status).toBe("fail");
    expect(latency.change).toBeGreaterThan(0.3);
    expect(latency.change).toBeLessThan(0.5);
    expect(v.status).toBe("fail");
  });

  it("makes no decision before ten minutes of data, then fails a bad release at the first look", async () => {
    const id = await scenario({ errorRate: 0.08, latencyMs: 100 });
    svc.clock.now = FINISH + 9 * MIN;
    await svc.container.verdicts.runDue();
    let v = await verdict(id);
    expect(v).toMatchObject({ status: "analyzing", final: false });
    expect(v.checks ?? []).toEqual([]);
    const grace = svc.config.ingestGraceSeconds * 1000;
    svc.clock.now = FINISH + 10 * MIN + grace;
    await svc.container.verdicts.runDue();
    v = await verdict(id);
    expect(v).toMatchObject({ status: "fail", final: true });
    expect(v.windows.analysis.end).toBe(new Date(FINISH + 10 * MIN).toISOString());
  });

  it("with a fixed window, fails early after two failing interim checks in a row, not after one", async () => {
    const id = await scenario({ errorRate: 0.08, latencyMs: 100 }, { rulesDir: fixedRules() });
    svc.clock.now = FINISH + 6 * MIN;
    await svc.container.verdicts.runDue();
    let v = await verdict(id);
    expect(v).toMatchObject({ status: "analyzing", final: false });
    expect(v.checks[0].status).toBe("fail");
    svc.clock.now = FINISH + 12 * MIN;
    await svc.container.verdicts.runDue();
    v = await verdict(id);
    expect(v).toMatchObject({ status: "fail", final: true });
    expect(Date.parse(v.decided_at)).toBeLessThan(ANALYSIS_END);
  });

  it("holds a release with no traffic after the deploy and says how much is missing", async () => {
    const id = await scenario({ errorRate: 0, latencyMs: 100, perMinute: 0 });
    svc.clock.now = ANALYSIS_END + 61_000;
    await svc.container.verdicts.runDue();
    // No hold before the longest window: traffic may still come.
    expect(await verdict(id)).toMatchObject({ status: "analyzing", final: false });
    svc.clock.now = FINISH + MAX_WINDOW + 2 * MIN;
    await svc.container.verdicts.runDue();
    const v = await verdict(id);
    expect(v.status).toBe("hold");
    expect(v.checks.map((c: any) => [c.signal, c.status, c.sequential.minutes_used])).toEqual([["error_rate", "nodata", 240], ["latency", "nodata", 120]]);
    expect(v.checks[0].reason).toContain("Not enough data: no requests in 4 h after the deploy.");
    expect(v.checks[1].reason).toContain("Not enough data: no requests in 2 h after the deploy.");
    expect(v.summary).toMatch(/could not be judged: .* A person should decide\.$/);
  });

  it("resumes after a restart and reaches the same verdict", async () => {
    const id = await scenario({ errorRate: 0.05, latencyMs: 100 });
    svc.restart();
    svc.clock.now = ANALYSIS_END + 61_000;
    await svc.container.verdicts.runDue();
    const first = await verdict(id);
    expect(first.status).toBe("fail");
    svc.restart();
    const again = await verdict(id);
    expect(again).toEqual(first);
  });

  it("judges at once when asked, with the data so far, and refuses before ten minutes of it", async () => {
    const id = await scenario({ errorRate: 0.005, latencyMs: 100 });
    svc.clock.now = FINISH + 9 * MIN;
    const early = await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { detail: string }).detail).toContain(new Date(FINISH + 10 * MIN).toISOString());
    svc.clock.now = FINISH + 20 * MIN;
    const res = await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
    expect(res.status).toBe(200);
    const v = (await res.json()) as Record<string, any>;
    expect(v).toMatchObject({ status: "pass", final: true });
    // Decided at one of the looks (10, 15, 20 minutes) over the data stored up to now, never beyond it.
    const minutes = (Date.parse(v.windows.analysis.end) - FINISH) / MIN;
    expect([10, 15, 20]).toContain(minutes);
  });

  it("answers a forced evaluation that the scheduler (here or on another replica) decided meanwhile with that final verdict", async () => {
    const id = await scenario({ errorRate: 0.05, latencyMs: 100 });
    svc.clock.now = ANALYSIS_END + 61_000;
    const verdicts = svc.container.verdicts;
    const prepare = verdicts.prepareNow.bind(verdicts);
    // The race: while this request reads its sources, the scheduler records the final verdict.
    verdicts.prepareNow = async (releaseId: string) => {
      const prepared = await prepare(releaseId);
      expect(await verdicts.runDue()).toBe(1);
      return prepared;
    };
    const res = await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
    expect(res.status).toBe(200);
    const answered = await res.json();
    expect(answered).toMatchObject({ status: "fail", final: true });
    expect(answered).toEqual(await verdict(id));
    // Judged once: the forced evaluation recorded nothing of its own.
    const audit = await svc.sql<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE kind = 'evaluation_forced'").get();
    expect(Number(audit!.n)).toBe(0);
  });

  it("judges a forced evaluation again when the scheduler claimed the release while its sources were read, instead of answering 409", async () => {
    const id = await scenario({ errorRate: 0.05, latencyMs: 100 });
    svc.clock.now = ANALYSIS_END + 61_000;
    const verdicts = svc.container.verdicts;
    const prepare = verdicts.prepareNow.bind(verdicts);
    let reads = 0;
    // The race: the first time this request reads its sources, the scheduler claims the release (its lease moves the
    // next check) without deciding it.
    verdicts.prepareNow = async (releaseId: string) => {
      const prepared = await prepare(releaseId);
      if (++reads === 1) await svc.sql("UPDATE releases SET next_check_at = ?, updated_at = updated_at WHERE id = ?").run(svc.clock.now + 60_000, releaseId);
      return prepared;
    };
    const res = await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "fail", final: true });
    expect(reads).toBe(2);
    const audit = await svc.sql<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE kind = 'evaluation_forced'").get();
    expect(Number(audit!.n)).toBe(1);
  });

  it("backs off a release whose evaluation throws, so it cannot crowd out the others", async () => {
    const id = await scenario({ errorRate: 0.005, latencyMs: 100 });
    svc.clock.now = ANALYSIS_END + 61_000;
    const evaluator = (svc.container.verdicts as unknown as { sequential: { evaluate: () => never } }).sequential;
    evaluator.evaluate = () => {
      throw new Error("boom");
    };
    expect(await svc.container.verdicts.runDue()).toBe(1);
    expect(await svc.container.verdicts.runDue()).toBe(0);
    const row = (await svc.sql<{ status: string; next: number }>("SELECT status, next_check_at AS next FROM releases WHERE id = ?").get(id))!;
    expect(row).toEqual({ status: "analyzing", next: svc.clock.now + 5 * MIN });
  });

  it("judges a replayed deploy whose windows lie in the past at the next run", async () => {
    const id = await scenario({ errorRate: 0.05, latencyMs: 100 });
    // The clock is far past the window: the first run of the job decides.
    svc.clock.now = ANALYSIS_END + 24 * 60 * MIN;
    await svc.container.verdicts.runDue();
    expect((await verdict(id)).status).toBe("fail");
  });
});
