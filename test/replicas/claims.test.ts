import { afterEach, describe, expect, it } from "vitest";
import { JobLeases } from "../../src/jobs/job-leases.ts";
import { singleton } from "../../src/jobs/singleton-job.ts";
import { EffectAttemptStore } from "../../src/store/effect-attempt-store.ts";
import { AlreadyDecidedError, VerdictRecorder } from "../../src/verdicts/verdict-recorder.ts";
import type { FinalVerdict } from "../../src/verdicts/verdict.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";

// Replicas share nothing but the database: two services' verbs (or two stores' objects) on one database stand in for two.
const MIN = 60_000;
let svc: TestService;
afterEach(async () => svc?.close());

async function analyzingRelease(s: TestService, service: string): Promise<string> {
  const t = s.clock.now - 5 * MIN;
  await s.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: t });
  const done = await s.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: t + MIN });
  const id = ((await done.json()) as { release_id: string }).release_id;
  await s.sql("UPDATE releases SET next_check_at = ? WHERE id = ?").run(s.clock.now, id);
  return id;
}

const fail = (summary: string): FinalVerdict => ({ status: "fail", score: 10, summary, checks: [], final: true } as unknown as FinalVerdict);

describe("claimed work on one database", () => {
  it("hands a due release to only one of two scheduler runs that start together", async () => {
    svc = createTestService();
    await analyzingRelease(svc, "pay");
    const [a, b] = await Promise.all([svc.container.verdicts.runDueReading(), svc.container.verdicts.runDueReading()]);
    expect(a + b).toBe(1);
    expect(svc.container.verdicts.claimsInFlight).toBe(0);
  });

  it("records one final verdict when two replicas judge the same release: the second write changes nothing and rolls back", async () => {
    svc = createTestService();
    const id = await analyzingRelease(svc, "pay");
    const release = await svc.container.verdicts.get(id);
    const recorder = new VerdictRecorder(svc.container.store);
    const now = svc.clock.now;
    await svc.container.store.write(() => recorder.recordFinal(release, fail("first"), svc.container.verdicts.ruleFor(release), now));
    const late = svc.container.store.write(() => recorder.recordFinal(release, fail("second"), svc.container.verdicts.ruleFor(release), now));
    await expect(late).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(await svc.sql("SELECT kind, status FROM evaluations WHERE release_id = ?").all(id)).toEqual([{ kind: "final", status: "fail" }]);
    expect((await svc.container.verdicts.get(id)).summary).toBe("first");
    // An interim look from a replica that lost the race must not overwrite the decided release either.
    await expect(svc.container.store.write(() => recorder.recordInterim(release, fail("stale"), 0, now + MIN, now))).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect((await svc.container.verdicts.get(id)).summary).toBe("first");
  });

  it("records the same deploy-tool outcome once, however many replicas receive it, and a later roll-back still", async () => {
    svc = createTestService();
    const id = await analyzingRelease(svc, "pay");
    const release = await svc.container.verdicts.get(id);
    const recorder = new VerdictRecorder(svc.container.store);
    const outcome = () => svc.container.store.write(() => recorder.recordOutcome(release, "fail", "The deploy itself failed at noon.", svc.clock.now));
    expect([await outcome(), await outcome()]).toEqual([true, false]);
    expect(await svc.container.store.write(() => recorder.recordOutcome(release, "fail", "The release was rolled back at one.", svc.clock.now))).toBe(true);
    expect((await svc.sql("SELECT count(*) AS n FROM evaluations WHERE release_id = ?").get(id))?.n).toBe(2);
  });

  it("runs a singleton job on the lease holder only, until the lease runs out", async () => {
    svc = createTestService();
    const clock = () => svc.clock.now;
    const [one, two] = [new JobLeases(svc.container.store, "r1", clock), new JobLeases(svc.container.store, "r2", clock)];
    const ran: string[] = [];
    const job = (leases: JobLeases) => singleton({ name: "prune-telemetry", cron: "* * * * * *", run: () => void ran.push(leases.holder) }, leases, MIN);
    await job(one).run();
    await job(two).run();
    await job(one).run();
    expect(ran).toEqual(["r1", "r1"]);
    expect([await one.held(), await two.held()]).toEqual([["prune-telemetry"], []]);
    svc.clock.now += MIN;
    await job(two).run();
    await job(one).run();
    expect(ran).toEqual(["r1", "r1", "r2"]);
  });

  it("says in /readyz which replica answers and which leases it holds", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_REPLICA_ID: "guard-7" } });
    await svc.container.jobLeases.acquire("github-sync", MIN);
    const res = await svc.request("GET", "/readyz");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { replica: unknown }).replica).toEqual({ id: "guard-7", leases: ["github-sync"], claims_in_flight: { evaluations: 0, alerts: 0, rollbacks: 0 } });
  });

  it.skipIf(TEST_STORE !== "postgres")("leaves another live replica's attempt alone until its lease runs out (PostgreSQL)", async () => {
    svc = createTestService();
    const other = new EffectAttemptStore(svc.container.store, "r2");
    const mine = new EffectAttemptStore(svc.container.store, "r1");
    await other.start("rollback", "rel_1", "rollback-rel_1", 1000, 30_000);
    expect(await mine.orphans("rollback", 30_999)).toEqual([]);
    expect((await mine.orphans("rollback", 31_000)).map((o) => o.subject)).toEqual(["rel_1"]);
    // The same replica restarted knows its earlier attempts are dead at once.
    await other.start("rollback", "rel_2", "rollback-rel_2", 40_000, 30_000);
    expect((await new EffectAttemptStore(svc.container.store, "r2").orphans("rollback", 40_001)).map((o) => o.subject)).toEqual(["rel_2"]);
  });
});
