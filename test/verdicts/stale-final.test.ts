import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { releases, type ReleaseRow } from "../../src/store/schema/index.ts";
import { AlreadyDecidedError, VerdictRecorder } from "../../src/verdicts/verdict-recorder.ts";
import type { FinalVerdict, Verdict } from "../../src/verdicts/verdict-types.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:00Z");

/**
 * A replica judges a release from the row it read; a deploy event resets the release before that verdict is written
 * (three-replicas.test.ts caught it: a release opened from version labels was judged, a deploy event took it over
 * meanwhile, and the release ended with two final verdicts). The stale verdict must change nothing.
 */
describe("a verdict judged from a release that changed before it was written", () => {
  let svc: TestService;
  const row = async (id: string) => (await svc.container.store.db.select().from(releases).where(eq(releases.id, id)))[0] as ReleaseRow;
  const finals = async (id: string) => (await svc.sql<{ n: number }>("SELECT COUNT(*) AS n FROM evaluations WHERE release_id = ? AND kind = 'final'").get(id))!.n;
  const verdict: FinalVerdict = {
    status: "pass", score: 95, summary: "pay 3 in production: pass", checks: [], rule: "default", final: true,
    windows: { baseline: { start: null, end: null, label: "before the deploy" }, analysis: { start: new Date(START).toISOString(), end: new Date(START + 30 * MIN).toISOString() } },
    evaluated_at: new Date(START + 31 * MIN).toISOString(),
  } as FinalVerdict;

  beforeEach(() => {
    svc = createTestService({ now: START + 40 * MIN });
  });
  afterEach(() => svc.close());

  it("is refused once a new roll-out of the version reset the release; judged from the row as it is now, it lands once", async () => {
    await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", timestamp: START, event_id: "a-start" });
    const id = ((await (await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "finished", timestamp: START + MIN, event_id: "a-end" })).json()) as { release_id: string }).release_id;
    const judged = await row(id);
    expect(judged.status).toBe("analyzing");

    // While the verdict was being judged: the same version rolled out again (a new deploy resets its release).
    svc.clock.now += 1000;
    expect((await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", timestamp: START + 35 * MIN, event_id: "b-start" })).status).toBe(202);
    expect((await row(id)).decidedAt).toBeNull();

    const recorder = new VerdictRecorder(svc.container.store);
    await expect(svc.container.store.write(() => recorder.recordFinal(judged, verdict, svc.container.rules.forRelease(judged), svc.clock.now)))
      .rejects.toBeInstanceOf(AlreadyDecidedError);
    // Nor does a look of the window before land on the new deploy as its interim verdict.
    const look = { ...verdict, status: "analyzing", final: false } as unknown as Verdict;
    await expect(svc.container.store.write(() => recorder.recordInterim(judged, look, 0, svc.clock.now + MIN, svc.clock.now)))
      .rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(await finals(id)).toBe(0);
    const after = await row(id);
    expect([after.status, after.decidedAt, after.verdict, after.nextCheckAt]).toEqual(["pending", null, null, null]);

    // As judged from the row as it is now, the verdict lands (once).
    await svc.container.store.write(() => recorder.recordFinal(after, verdict, svc.container.rules.forRelease(after), svc.clock.now));
    expect(await finals(id)).toBe(1);
  });

  it.skipIf(TEST_STORE !== "postgres")("makes a deploy event wait for a final verdict being written on another connection, then join the judged deploy (PostgreSQL)", async () => {
    // Opened from version labels: a deploy event arriving after its verdict joins that deploy and keeps the verdict.
    const id = (await svc.container.deploys.recordSeen({ service: "pay", environment: "production", version: "3", at: START }))!.release_id;
    await svc.sql("UPDATE releases SET status = 'analyzing' WHERE id = ?").run(id);
    const judged = await row(id);
    const recorder = new VerdictRecorder(svc.container.store);
    let letGo!: () => void;
    const held = new Promise<void>((r) => (letGo = r));
    let written!: () => void;
    const finalWritten = new Promise<void>((r) => (written = r));
    // The scheduler's write: the final verdict is written (the row locked) but not yet committed…
    const scheduler = svc.container.store.write(async () => {
      await recorder.recordFinal(judged, verdict, svc.container.rules.forRelease(judged), svc.clock.now);
      written();
      await held;
    });
    await finalWritten;
    // …when the deploy tool's event for that version arrives on another connection.
    const event = svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", timestamp: START + 5 * MIN, event_id: "late-start" });
    await new Promise((r) => setTimeout(r, 300));
    letGo();
    await scheduler;
    expect((await event).status).toBe(202);
    const after = await row(id);
    expect([after.status, after.decidedAt !== null]).toEqual(["pass", true]);
    expect(await finals(id)).toBe(1);
  });
});
