/**
 * Issue 12, item 1: a decision can name a batch. Approving batch k lets batch k's gate through, not the release and
 * not a later batch, and never stops the rollback a later batch's fail asks for.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { batchRules, fleet, MINUTE, SECOND, T } from "./batch-fleet.ts";

let svc: TestService;
afterEach(() => svc?.close());

const decide = (id: string, body: Record<string, unknown>) => svc.request("POST", `/api/v1/releases/${id}/decision`, body);

describe("decisions that name a batch (issue 12)", () => {
  it("approving an analyzing batch 1 does not let a failing batch 2 through, nor stop the rollback", async () => {
    svc = createTestService({ now: T, rulesDir: batchRules("roll-approve", { proceed: "evidence", rollback: true }) });
    const f = fleet(svc, "roll-approve");
    await f.push(T - 1440 * MINUTE, 1440, 400, () => 0.005, 11);
    await f.push(T, 60, 400, (h, t) => (SECOND.includes(h) && t >= T + 12 * MINUTE ? 0.05 : 0.005), 12);
    const id = await f.batchEvent("started", 1, T);
    await f.batchEvent("finished", 1, T + 30_000);
    const waiting = await f.tick(id, 1, T + 8 * MINUTE);
    expect(waiting.status).toBe("analyzing");

    const res = await decide(id, { action: "approve", reason: "batch 1 checked by hand", batch: 1 });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as Record<string, any>).decision).toMatchObject({ action: "approve", batch: 1 });
    // Batch 1's gate goes through; the release's does not.
    expect(await f.get(`/api/v1/releases/${id}/batches/1/verdict`)).toMatchObject({ status: "pass", final: true, decision: { action: "approve", batch: 1 } });
    const release = await f.get(`/api/v1/releases/${id}/verdict`);
    expect(release.status).toBe("pending");
    expect(release.decision).toBeNull();

    await f.batchEvent("started", 2, T + 11 * MINUTE);
    await f.batchEvent("finished", 2, T + 11 * MINUTE + 30_000);
    const { gate } = await f.untilFinal(id, 2, T + 12 * MINUTE, 40);
    expect(gate, gate.summary).toMatchObject({ status: "fail", final: true, decision: null });
    expect(await f.get(`/api/v1/releases/${id}/verdict`)).toMatchObject({ status: "fail", final: true, decision: null });
    // The rollback the rule asks for on fail is requested, once, although batch 1 was approved.
    const rollbacks = (await svc.sql<{ n: number }>("SELECT COUNT(*) AS n FROM rollbacks WHERE release_id = ?").get(id))!;
    expect(rollbacks.n).toBe(1);
    // Batch 1 keeps its person's answer, shown beside what the engine says now.
    const first = await f.get(`/api/v1/releases/${id}/batches/1/verdict`);
    expect(first).toMatchObject({ status: "pass", decision: { action: "approve", batch: 1 } });
    expect(first.engine_status).not.toBe("pass");
  }, 60_000);

  it("refuses a decision naming a batch the release's deploy does not have, with a 422 that lists its batches", async () => {
    svc = createTestService({ now: T });
    const f = fleet(svc, "roll-nobatch");
    const id = await f.batchEvent("started", 1, T);
    const res = await decide(id, { action: "approve", reason: "looks fine", batch: 3 });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/has no batch 3; its deploy has batches 1/);
  });
});
