/**
 * A fleet of four hosts rolled out in two batches, for the batch tests (issue 12): Poisson traffic pushed through the
 * logs API, deploy events through the deploys API, and the batch and release jobs run minute by minute.
 */
import { expect } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { seededSampler } from "../support/seeded-sampler.ts";
import type { TestService } from "../support/test-service.ts";

export const MINUTE = 60_000;
export const T = Date.parse("2026-11-21T09:00:00Z");
export const HOSTS = ["web-1", "web-2", "web-3", "web-4"];
export const FIRST = ["web-1", "web-2"], SECOND = ["web-3", "web-4"];

export type Gate = Record<string, any>;

/** The default rule for one service, with `batches:` and, when given, a rollback command added. */
export function batchRules(service: string, opts: { proceed?: "bake" | "evidence"; bakeMinutes?: number; rollback?: boolean; maxMinutes?: number }): string {
  const batches = `batches:\n  proceed: ${opts.proceed ?? "bake"}\n  bake_minutes: ${opts.bakeMinutes ?? 10}\n`;
  const rollback = opts.rollback ? "\n  rollback:\n    command: [\"true\"]" : "";
  return rulesWith({
    rollout: {
      service,
      edit: (y) => `${y.replace(/(\n {2}notify_on: [^\n]*)/, `$1${rollback}`).replace("max_minutes: 240", `max_minutes: ${opts.maxMinutes ?? 240}`).trimEnd()}\n${batches}`,
    },
  });
}

export function fleet(svc: TestService, service: string) {
  const get = async (path: string): Promise<Gate> => (await (await svc.request("GET", path)).json()) as Gate;

  /** `rpm` requests a minute spread over `hosts`; `rate(host, t)` is each request's error probability. */
  async function push(from: number, minutes: number, rpm: number, rate: (host: string, t: number) => number, seed: number, hosts = HOSTS): Promise<void> {
    const rnd = seededSampler(seed);
    let batch: Record<string, unknown>[] = [];
    const send = async () => {
      expect((await svc.request("POST", "/api/v1/logs", { events: batch })).status).toBe(202);
      batch = [];
    };
    for (let m = 0; m < minutes; m++) {
      const t = from + m * MINUTE, n = rnd.poisson(rpm);
      for (let i = 0; i < n; i++) {
        const host = hosts[i % hosts.length]!;
        batch.push({ timestamp: t + Math.floor((i / n) * MINUTE), service, host, status: rnd.uniform() < rate(host, t) ? 503 : 200, latency_ms: 80 });
        if (batch.length === 10_000) await send();
      }
    }
    if (batch.length > 0) await send();
  }

  async function batchEvent(phase: "started" | "finished", index: number, at: number): Promise<string> {
    const hosts = index === 1 ? FIRST : SECOND;
    const res = await svc.request("POST", "/api/v1/deploys", { service, version: "2.0.0", deploy_id: `${service}-roll`, phase, timestamp: at, batch: { index, total: 2, hosts } });
    expect(res.status).toBe(202);
    return ((await res.json()) as { release_id: string }).release_id;
  }

  /** One minute of the jobs, then batch `index`'s gate. */
  async function tick(id: string, index: number, at: number): Promise<Gate> {
    svc.clock.now = at;
    await svc.container.batches.runDue();
    await svc.container.verdicts.runDue();
    return get(`/api/v1/releases/${id}/batches/${index}/verdict`);
  }

  /** Runs the jobs minute by minute until batch `index`'s gate answers `until`; returns the minutes after its end. */
  async function untilGate(id: string, index: number, windowStart: number, limit: number, until: (g: Gate) => boolean): Promise<{ minutes: number; gate: Gate }> {
    for (let m = 1; m <= limit; m++) {
      const gate = await tick(id, index, windowStart + m * MINUTE + 30_000);
      if (until(gate)) return { minutes: m, gate };
      // Once looked at, an analyzing gate says by when it will be decided and when it looks next.
      if (gate.status === "analyzing" && gate.checks.length > 0) {
        expect(gate.decide_by, JSON.stringify(gate)).toEqual(expect.any(String));
        expect(gate.next_look_at).toEqual(expect.any(String));
      }
    }
    throw new Error(`batch ${index}'s gate did not answer as expected within ${limit} minutes`);
  }

  const untilFinal = (id: string, index: number, windowStart: number, limit: number) => untilGate(id, index, windowStart, limit, (g) => g.final);

  return { get, push, batchEvent, tick, untilGate, untilFinal };
}
