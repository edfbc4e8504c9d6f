/**
 * Issue 12, item 1, through the HTTP API: rolling batches judged by the sequential engine's concurrent design, with
 * evidence carried from batch 1, a failed batch failing the release (and its rollback asked for once), and the two
 * ways a rule lets batch k+1 start (`batches.proceed`: bake, the default, or evidence).
 * Four hosts in two batches, a day of history so the host groups' usual ratio can be measured.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { batchRules, fleet, FIRST, MINUTE, SECOND, T } from "./batch-fleet.ts";

let svc: TestService;
afterEach(() => svc?.close());

const count = async (sql: string, id: string) => (await svc.sql<{ n: number }>(sql).get(id))!.n;

describe("rolling batches judged by the sequential engine (issue 12)", () => {
  it("with proceed: evidence, passes a healthy first batch at 300 rpm only once a doubling is ruled out (about 100 minutes)", async () => {
    svc = createTestService({ now: T, rulesDir: batchRules("roll-ok", { proceed: "evidence" }) });
    const f = fleet(svc, "roll-ok");
    await f.push(T - 1440 * MINUTE, 1440, 300, () => 0.005, 1);
    await f.push(T, 130, 300, () => 0.005, 2);
    const id = await f.batchEvent("started", 1, T);
    await f.batchEvent("finished", 1, T + 30_000);
    const { minutes, gate } = await f.untilFinal(id, 1, T + MINUTE, 120);
    expect(gate.status, gate.summary).toBe("pass");
    expect(gate.provisional).toBe(false);
    // 0.75 errors a minute on each side: ruling a doubling out takes well over an hour (src/verdicts/batch-bake.ts).
    expect(minutes).toBeGreaterThan(60);
    expect(minutes).toBeLessThanOrEqual(110);
    expect(gate.checks[0].sequential.design).toBe("concurrent");
    expect(gate.windows.baseline.label).toMatch(/hosts not yet updated/);
    expect((await f.get(`/api/v1/releases/${id}/verdict`)).status).toBe("pending");
  }, 60_000);

  it("by default (proceed: bake), lets batch 2 start after 10 quiet minutes with a provisional pass that says what it rests on", async () => {
    svc = createTestService({ now: T });
    const f = fleet(svc, "roll-bake");
    await f.push(T - 1440 * MINUTE, 1440, 300, () => 0.005, 1);
    await f.push(T, 40, 300, () => 0.005, 2);
    const id = await f.batchEvent("started", 1, T);
    await f.batchEvent("finished", 1, T + 30_000);
    const { minutes, gate } = await f.untilFinal(id, 1, T + MINUTE, 30);
    expect(gate).toMatchObject({ status: "pass", final: true, provisional: true, decide_by: null, score: null });
    expect(minutes).toBeGreaterThanOrEqual(10);
    expect(minutes).toBeLessThanOrEqual(12);
    expect(gate.summary).toMatch(/^roll-bake 2\.0\.0 in production, batch 1 of 2 may go on: no rise past the fail boundary in 1\d minutes on the updated hosts; a doubling of the error rate cannot be ruled out yet at this traffic; they stay watched until batch 2 finishes, and the release is judged in full after it\.$/);
    // The hosts stay watched after the pass; the gate keeps answering pass while nothing crosses a boundary.
    const later = await f.tick(id, 1, T + 25 * MINUTE);
    expect(later).toMatchObject({ status: "pass", provisional: true });
    expect(later.summary).toMatch(/no rise past the fail boundary in 2\d minutes/);
    // Once batch 2 has finished, the release's verdict takes over and batch 1 is no longer looked at.
    await f.batchEvent("started", 2, T + 26 * MINUTE);
    await f.batchEvent("finished", 2, T + 26 * MINUTE + 30_000);
    await f.tick(id, 1, T + 29 * MINUTE);
    const watched = (await svc.sql<{ n: number | null }>("SELECT next_check_at AS n FROM deploy_batches WHERE deploy_id = ? AND batch_index = 1").get("roll-bake-roll"))!;
    expect(watched.n).toBeNull();
    expect((await f.get(`/api/v1/releases/${id}/batches/1/verdict`)).status).toBe("pass");
  }, 60_000);

  it("overturns a provisional pass when three times the errors at 600 rpm cross the fail boundary later: batch and release fail at once", async () => {
    svc = createTestService({ now: T, rulesDir: batchRules("roll-3x", { rollback: true }) });
    const f = fleet(svc, "roll-3x");
    await f.push(T - 1440 * MINUTE, 1440, 600, () => 0.005, 3);
    await f.push(T, 60, 600, (h, t) => (FIRST.includes(h) && t >= T + MINUTE ? 0.015 : 0.005), 4);
    const id = await f.batchEvent("started", 1, T);
    await f.batchEvent("finished", 1, T + 30_000);
    const baked = await f.untilFinal(id, 1, T + MINUTE, 30);
    expect(baked.gate).toMatchObject({ status: "pass", provisional: true });
    const { minutes, gate } = await f.untilGate(id, 1, T + MINUTE, 30, (g) => g.status === "fail");
    expect(gate, gate.summary).toMatchObject({ status: "fail", final: true, provisional: false });
    expect(minutes).toBeGreaterThan(baked.minutes);
    expect(minutes).toBeLessThanOrEqual(20);
    const release = await f.get(`/api/v1/releases/${id}/verdict`);
    expect(release).toMatchObject({ status: "fail", final: true });
    expect(release.summary).toMatch(/batch 1 of 2 is not healthy/);
    expect(await count("SELECT COUNT(*) AS n FROM rollbacks WHERE release_id = ?", id)).toBe(1);
    // The hold text of the fixed engine ("a longer baseline window") is gone for good.
    expect(JSON.stringify(gate)).not.toMatch(/longer baseline window/);

    // A deploy tool that carries on regardless: batch 2's end must not reopen the failed release.
    await f.batchEvent("started", 2, T + 25 * MINUTE);
    await f.batchEvent("finished", 2, T + 25 * MINUTE + 30_000);
    expect(await f.get(`/api/v1/releases/${id}/verdict`)).toMatchObject({ status: "fail", final: true });
    const evaluations = await count("SELECT COUNT(*) AS n FROM evaluations WHERE release_id = ?", id);
    const last = await f.tick(id, 2, T + 60 * MINUTE);
    expect(last).toMatchObject({ status: "fail", final: true });
    expect(await f.get(`/api/v1/releases/${id}/verdict`)).toMatchObject({ status: "fail", summary: release.summary });
    expect(await count("SELECT COUNT(*) AS n FROM evaluations WHERE release_id = ?", id)).toBe(evaluations);
    expect(await count("SELECT COUNT(*) AS n FROM rollbacks WHERE release_id = ?", id)).toBe(1);
  }, 60_000);

  it("fails the release when the second batch is bad, and asks for the rule's rollback exactly once", async () => {
    svc = createTestService({ now: T, rulesDir: batchRules("roll-bad2", { rollback: true }) });
    const f = fleet(svc, "roll-bad2");
    await f.push(T - 1440 * MINUTE, 1440, 400, () => 0.005, 5);
    await f.push(T, 90, 400, (h, t) => (SECOND.includes(h) && t >= T + 12 * MINUTE ? 0.05 : 0.005), 6);
    const id = await f.batchEvent("started", 1, T);
    await f.batchEvent("finished", 1, T + 30_000);
    const first = await f.untilFinal(id, 1, T + MINUTE, 120);
    expect(first.gate.status, first.gate.summary).toBe("pass");
    await f.batchEvent("started", 2, T + 11 * MINUTE);
    await f.batchEvent("finished", 2, T + 11 * MINUTE + 30_000);
    const { gate } = await f.untilFinal(id, 2, T + 12 * MINUTE, 40);
    expect(gate.status, gate.summary).toBe("fail");
    // The last batch never passes provisionally: its verdict is the release's.
    expect(gate.provisional).toBe(false);
    expect(gate.summary).toMatch(/no host on the old version/);
    const release = await f.get(`/api/v1/releases/${id}/verdict`);
    expect(release).toMatchObject({ status: "fail", final: true });
    // Batch 1's gate still answers its own verdict.
    expect((await f.get(`/api/v1/releases/${id}/batches/1/verdict`)).status).toBe("pass");
    // Later runs and a forced evaluation never ask for a second rollback.
    svc.clock.now += 10 * MINUTE;
    await svc.container.batches.runDue();
    await svc.container.verdicts.runDue();
    await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
    expect(await count("SELECT COUNT(*) AS n FROM rollbacks WHERE release_id = ?", id)).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM audit_events WHERE release_id = ? AND kind = 'rollback_requested'", id)).toBe(1);
  }, 90_000);
});
