import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RollbackRequests } from "../../src/decisions/rollback-requests.ts";
import type { Notifier } from "../../src/notify/notifier.ts";
import type { Rule } from "../../src/rules/rule-schema.ts";
import type { EventSink, VerdictEventOut } from "../../src/sources/event-sink.ts";
import { VerdictRecorder } from "../../src/verdicts/verdict-recorder.ts";
import { alertReaction, eventSinkReaction, rollbackReaction } from "../../src/verdicts/verdict-reactions.ts";
import type { FinalVerdict, RecordedVerdict, ReleaseIdentity, Verdict, VerdictReaction } from "../../src/verdicts/verdict-types.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:00Z");

/** A sink that keeps what it heard and whether the verdict was already committed when it heard it. */
class RecordingSink implements EventSink {
  readonly verdicts: (VerdictEventOut & { committed: boolean })[] = [];
  private readonly checks: Promise<void>[] = [];
  constructor(private readonly committed: () => Promise<boolean>) {}
  deploy = () => Promise.resolve();
  verdict(v: VerdictEventOut): Promise<void> {
    const seen = { ...v, committed: false };
    this.verdicts.push(seen);
    const check = this.committed().then((c) => void (seen.committed = c));
    this.checks.push(check);
    return check;
  }
  /** Resolves once every verdict's look at the store has answered. */
  async checked(): Promise<void> {
    await Promise.all(this.checks);
  }
}

const slack: Notifier = { channel: "slack", send: () => Promise.resolve() };
/** After-commit work waits for the write queue's next flush: a few turns of the event loop. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe("what follows a recorded verdict: the reactions wired to the recorder", () => {
  let svc: TestService;
  let release: ReleaseIdentity;
  let rule: Rule;
  let sink: RecordingSink;
  let recorder: VerdictRecorder;
  const count = async (table: string) => (await svc.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE release_id = ?`).get(release.id))!.n;
  const verdict = (status: FinalVerdict["status"], over: Partial<Verdict> = {}): FinalVerdict => ({
    status, score: status === "fail" ? 20 : 95, summary: `pay 3 in production: ${status}`, checks: [], rule: rule.name, final: true,
    windows: { baseline: { start: null, end: null, label: "before the deploy" }, analysis: { start: new Date(START).toISOString(), end: new Date(START + 30 * MIN).toISOString() } },
    evaluated_at: new Date(START + 31 * MIN).toISOString(), ...over,
  }) as FinalVerdict;
  const build = (extra: VerdictReaction[] = [], onReactionError?: (name: string, err: unknown) => void) => {
    const { db, outbox, audit } = svc.container;
    // Asked at the moment the sink is called: is the verdict already committed (visible outside any write)?
    sink = new RecordingSink(async () => !svc.container.store.inWrite() && !(db.$client as { inTransaction?: boolean }).inTransaction && (await count("evaluations")) > 0);
    recorder = new VerdictRecorder(svc.container.store, {
      stages: [svc.container.capacity],
      reactions: [rollbackReaction(new RollbackRequests(svc.container.store, audit, undefined)), alertReaction(outbox, () => undefined), eventSinkReaction(sink), ...extra],
      ...(onReactionError ? { onReactionError } : {}),
    });
  };

  beforeEach(async () => {
    svc = createTestService({ notifiers: [slack] });
    await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", timestamp: START });
    const id = ((await (await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "finished", timestamp: START + MIN })).json()) as { release_id: string }).release_id;
    release = { id, service: "pay", environment: "production", version: "3" };
    const base = svc.container.rules.forRelease({ ruleName: null, service: "pay", environment: "production" });
    rule = { ...base, actions: { ...base.actions, notify: ["slack"], notify_on: ["warn", "fail", "hold"], rollback: { on: ["fail"], webhook: { url: "https://deployer.internal/rollback" }, timeout_seconds: 60, max_attempts: 5 } } };
    build();
  });
  afterEach(() => svc.close());

  it("a failing final verdict is stored once with its alert and its rollback request, then told to the event sinks after commit", async () => {
    const stored = await svc.container.store.write(async () => {
      const done = await recorder.recordFinal(release, verdict("fail"), rule, START + 31 * MIN);
      expect(sink.verdicts).toEqual([]);
      return done;
    });
    expect([await count("evaluations"), await count("notifications"), await count("rollbacks")]).toEqual([1, 1, 1]);
    await settle();
    await sink.checked();
    expect(sink.verdicts).toEqual([expect.objectContaining({ release_id: release.id, status: "fail", final: true, committed: true })]);
    expect(stored.status).toBe("fail");
  });

  it("a transaction that rolls back takes the alert and the rollback request with it, and no event is sent", async () => {
    await expect(svc.container.store.write(async () => {
      await recorder.recordFinal(release, verdict("fail"), rule, START + 31 * MIN);
      throw new Error("the caller's next write failed");
    })).rejects.toThrow("the caller's next write failed");
    await settle();
    expect([await count("evaluations"), await count("notifications"), await count("rollbacks"), sink.verdicts.length]).toEqual([0, 0, 0, 0]);
  });

  it("a passing final verdict alerts nobody the rule does not ask for and requests no rollback", async () => {
    await recorder.recordFinal(release, verdict("pass"), rule, START + 31 * MIN);
    await settle();
    expect([await count("notifications"), await count("rollbacks"), sink.verdicts.map((v) => v.status)]).toEqual([0, 0, ["pass"]]);
  });

  it("interim looks reach the event sinks only when their status changes, and never alert or roll back", async () => {
    const look = verdict("fail", { final: false }) as Verdict;
    await recorder.recordInterim(release, { ...look, status: "analyzing" }, 0, START + 40 * MIN, START + 20 * MIN, true);
    await recorder.recordInterim(release, { ...look, status: "analyzing" }, 0, START + 41 * MIN, START + 21 * MIN, false);
    await settle();
    expect([await count("evaluations"), await count("notifications"), await count("rollbacks")]).toEqual([2, 0, 0]);
    expect(sink.verdicts.map((v) => [v.status, v.final])).toEqual([["analyzing", false]]);
  });

  it("a batch's failing verdict alerts at once; the rollback belongs to the release's final verdict", async () => {
    await recorder.recordBatch(release, verdict("fail"), rule, START + 10 * MIN);
    await settle();
    expect([await count("notifications"), await count("rollbacks"), sink.verdicts.length]).toEqual([1, 0, 0]);
  });

  it("the deploy tool's own failure is final: alerted and sent to the sinks, never rolled back by deploy-guard", async () => {
    await recorder.recordOutcome(release, "fail", "The deploy failed, as reported by the deploy tool.", START + 5 * MIN);
    await settle();
    expect([await count("evaluations"), await count("rollbacks"), sink.verdicts.map((v) => [v.status, v.final, v.score])]).toEqual([1, 0, [["fail", true, null]]]);
  });

  it("reactions run in the order they are wired, in-transaction ones before the caller's transaction ends", async () => {
    const order: string[] = [];
    const note = (name: string, runs: "in-transaction" | "after-commit"): VerdictReaction => runs === "in-transaction"
      ? { name, runs, react: (v: RecordedVerdict) => Promise.resolve(void order.push(`${name}:${v.kind}:${svc.container.store.inWrite()}`)) }
      : { name, runs, react: (v: RecordedVerdict) => Promise.resolve(void order.push(`${name}:${v.kind}:${svc.container.store.inWrite()}`)) };
    build([note("first", "in-transaction"), note("later", "after-commit"), note("second", "in-transaction")]);
    await svc.container.store.write(async () => {
      await recorder.recordFinal(release, verdict("warn"), rule, START + 31 * MIN);
      // Still inside the caller's transaction: the after-commit reaction has not run.
      expect(order).toEqual(["first:final:true", "second:final:true"]);
    });
    await settle();
    expect(order).toEqual(["first:final:true", "second:final:true", "later:final:false"]);
  });

  it("kicks alert delivery only after the verdict's transaction has ended, and outside it, so delivery never joins it", async () => {
    const kicks: boolean[] = [];
    const store = svc.container.store;
    recorder = new VerdictRecorder(store, { reactions: [alertReaction(svc.container.outbox, () => void kicks.push(store.inWrite()))] });
    await store.write(async () => {
      await recorder.recordFinal(release, verdict("fail"), rule, START + 31 * MIN);
      expect(kicks).toEqual([]);
    });
    await settle();
    expect([await count("notifications"), kicks]).toEqual([1, [false]]);
  });

  it("an after-commit reaction that fails is reported and never reaches the verdict", async () => {
    const failed: string[] = [];
    build([{ name: "github-status", runs: "after-commit", react: () => Promise.reject(new Error("503 from api.github.com")) }], (name, err) => failed.push(`${name}: ${(err as Error).message}`));
    const stored = await recorder.recordFinal(release, verdict("fail"), rule, START + 31 * MIN);
    await settle();
    expect([stored.status, await count("evaluations"), failed]).toEqual(["fail", 1, ["github-status: 503 from api.github.com"]]);
  });

  it("final stages complete the verdict before it is stored, so the stored and returned verdict are the same, once", async () => {
    const stamp = { complete: (_r: ReleaseIdentity, v: FinalVerdict) => Promise.resolve({ ...v, summary: `${v.summary} (completed)` }) };
    recorder = new VerdictRecorder(svc.container.store, { stages: [stamp, stamp], reactions: [eventSinkReaction(sink)] });
    const judged = verdict("warn");
    const stored = await recorder.recordFinal(release, judged, rule, START + 31 * MIN);
    const row = await svc.sql<{ result: string }>("SELECT result FROM evaluations WHERE release_id = ?").all(release.id);
    expect(row.map((r) => (JSON.parse(r.result) as Verdict).summary)).toEqual(["pay 3 in production: warn (completed) (completed)"]);
    expect(stored.summary).toBe("pay 3 in production: warn (completed) (completed)");
    expect(judged.summary).toBe("pay 3 in production: warn");
    await settle();
    expect(sink.verdicts.map((v) => v.summary)).toEqual([stored.summary]);
  });
});
