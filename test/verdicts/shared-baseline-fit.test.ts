/**
 * Releases of one service deployed in the same minute read the same history: it is read and fitted once for all of
 * them (src/verdicts/fit-cache.ts), and each is judged exactly as it would be alone.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WindowQuery } from "../../src/telemetry/window-reader.ts";
import { generateTraffic } from "../support/traffic.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

const MIN = 60_000, DAY = 1440 * MIN;
const DEPLOY_AT = Date.parse("2026-11-20T09:00:00Z");

async function pushTraffic(svc: TestService, service: string): Promise<void> {
  // Two days before the deploy at 1 % errors, then 4 hours at 6 %: a forecast with A/A backtests, and a clear fail.
  const before = generateTraffic({ service, start: DEPLOY_AT - 2 * DAY, minutes: 2 * 1440, perMinute: 12, errorRate: 0.01, latencyMs: 80, seed: 7 });
  const after = generateTraffic({ service, start: DEPLOY_AT, minutes: 240, perMinute: 12, errorRate: 0.06, latencyMs: 80, seed: 8 });
  const events = [...before, ...after];
  for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
}

async function deploy(svc: TestService, service: string, version: string, at: number): Promise<string> {
  expect((await svc.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: at })).status).toBe(202);
  const finished = await svc.request("POST", "/api/v1/deploys", { service, version, phase: "finished", timestamp: at + MIN });
  return ((await finished.json()) as { release_id: string }).release_id;
}

/** Counts the reads of a day or more of history, on the reader the evaluator uses. */
function countHistoryReads(svc: TestService): { count: number } {
  const reads = { count: 0 };
  const reader = svc.container.reader;
  for (const name of ["requestCounts", "exceedanceCounts"] as const) {
    const real = reader[name].bind(reader) as (q: WindowQuery, ...rest: number[]) => Promise<unknown>;
    (reader as unknown as Record<string, unknown>)[name] = (q: WindowQuery, ...rest: number[]) => {
      if (q.end - q.start >= DAY) reads.count++;
      return real(q, ...rest);
    };
  }
  return reads;
}

interface StoredVerdict { status: string; final: boolean; checks: { signal: string; status: string; p_value: number | null; sequential: unknown; onset?: { at: string } }[] }

async function verdictOf(svc: TestService, id: string): Promise<StoredVerdict> {
  return (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as StoredVerdict;
}

const judgement = (v: StoredVerdict) => v.checks.map((c) => ({ signal: c.signal, status: c.status, p: c.p_value, sequential: c.sequential, onset: c.onset?.at }));

describe("a baseline fitted once for the releases of one deploy minute", () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = createTestService({ now: DEPLOY_AT + 5 * 60 * MIN });
    await pushTraffic(svc, "checkout");
  });
  afterEach(async () => svc.close());

  it("reads the history once for releases deployed in the same minute, and judges each as it would alone", async () => {
    const alone = createTestService({ now: DEPLOY_AT + 5 * 60 * MIN });
    try {
      await pushTraffic(alone, "checkout");
      const only = await deploy(alone, "checkout", "v1", DEPLOY_AT);
      await alone.container.verdicts.runAllDue();
      const expected = judgement(await verdictOf(alone, only));

      const reads = countHistoryReads(svc);
      const ids = [await deploy(svc, "checkout", "v1", DEPLOY_AT), await deploy(svc, "checkout", "v2", DEPLOY_AT), await deploy(svc, "checkout", "v3", DEPLOY_AT)];
      await svc.container.verdicts.runAllDue();
      const verdicts = await Promise.all(ids.map((id) => verdictOf(svc, id)));
      expect(verdicts.map((v) => [v.final, v.status])).toEqual([[true, "fail"], [true, "fail"], [true, "fail"]]);
      for (const v of verdicts) expect(judgement(v)).toEqual(expected);
      // error_rate's history and latency's: once each, not once per release.
      expect(reads.count).toBe(2);
    } finally {
      await alone.close();
    }
  });

  it("reads the history again for a release deployed in another minute", async () => {
    const reads = countHistoryReads(svc);
    await deploy(svc, "checkout", "v1", DEPLOY_AT);
    await svc.container.verdicts.runAllDue();
    expect(reads.count).toBe(2);
    await deploy(svc, "checkout", "v2", DEPLOY_AT + MIN);
    await svc.container.verdicts.runAllDue();
    expect(reads.count).toBe(4);
  });
});
