import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookNotifier } from "../../src/notify/webhook-notifier.ts";
import { startReceiver, type Receiver } from "../notify/local-receiver.ts";
import { queueVerdict, startRelease } from "../notify/notify-fixtures.ts";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";
import { reportedRelease, START, withRollback } from "./release-fixtures.ts";

let svc: TestService | undefined;
let receivers: Receiver[] = [];
afterEach(async () => {
  svc?.close();
  svc = undefined;
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

/**
 * What another connection sees at this moment: only what has been committed. On PostgreSQL the harness's statement
 * outside a write runs on another pooled connection.
 */
async function committed(s: TestService, sql: string): Promise<unknown[]> {
  if (TEST_STORE === "postgres") return s.sql(sql).all();
  const db = new Database(s.config.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe("rollbacks run only after their request is committed", () => {
  async function setUp() {
    let seen: unknown[] = [];
    const hook = await startReceiver(async () => {
      seen = [
        await committed(svc!, "SELECT status FROM rollbacks"),
        await committed(svc!, "SELECT attempt, status FROM effect_attempts WHERE effect = 'rollback'"),
      ];
      return { status: 200, body: "rolled back" };
    });
    receivers.push(hook);
    const rules = rulesWith({ pay: { service: "pay", edit: withRollback(`webhook: { url: "${hook.url}/rollback" }\nmax_attempts: 3`) } });
    svc = createTestService({ now: START, rulesDir: rules, env: { DEPLOY_GUARD_ROLLBACK_SECRET: "rollback-secret-0123456789" } });
    return { s: svc, hook, seen: () => seen };
  }

  it("calls no rollback target for a rollback decision whose surrounding write rolled back", async () => {
    const { s, hook } = await setUp();
    const id = await reportedRelease(s, "pay", "42");
    const failed = s.container.store.write(async () => {
      await s.container.decisions.decide({ releaseId: id, action: "rollback", reason: "bad", actor: "ops", via: "cli" });
      throw new Error("the request failed after deciding");
    });
    await expect(failed).rejects.toThrow("the request failed after deciding");
    await settle();
    await s.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(0);
    expect(await committed(s, "SELECT release_id FROM rollbacks")).toEqual([]);
    expect(await committed(s, "SELECT id FROM effect_attempts")).toEqual([]);
  });

  it("has the claim and the 'started' attempt on disk when the target is called, and runs the kick of a decision once", async () => {
    const { s, hook, seen } = await setUp();
    const id = await reportedRelease(s, "pay", "42");
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "p99 doubled" })).status).toBe(201);
    await settle();
    await s.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(1);
    expect(seen()).toEqual([[{ status: "running" }], [{ attempt: 1, status: "started" }]]);
    expect(await committed(s, "SELECT status, attempts FROM rollbacks")).toEqual([{ status: "succeeded", attempts: 1 }]);
  });
});

describe("alerts go out only after what they announce is committed", () => {
  async function alerted() {
    let seen: unknown[] = [];
    const hook = await startReceiver(async () => {
      seen = await committed(svc!, "SELECT subject, attempt, status FROM effect_attempts WHERE effect = 'alert' ORDER BY id");
      return { status: 200, body: "ok" };
    });
    receivers.push(hook);
    svc = createTestService({ now: START, notifiers: [new WebhookNotifier(`${hook.url}/hook`, "webhook-secret-0123456789", () => svc!.clock.now)] });
    const id = await startRelease(svc, "pay", "3");
    await queueVerdict(svc, id, "fail");
    await svc.container.dispatcher.deliverDue();
    return { s: svc, hook, id, seen: () => seen };
  }

  it("records the delivery attempt as started, on disk, before the receiver hears of it", async () => {
    const { hook, seen } = await alerted();
    expect(hook.got).toHaveLength(1);
    expect(seen()).toEqual([{ subject: expect.any(String), attempt: 1, status: "started" }]);
  });

  it("sends no follow-up for a decision whose surrounding write rolled back", async () => {
    const { s, hook, id } = await alerted();
    const before = await committed(s, "SELECT id FROM notifications ORDER BY id");
    const failed = s.container.store.write(async () => {
      await s.container.decisions.decide({ releaseId: id, action: "approve", reason: "fine", actor: "ops", via: "cli" });
      // More work in the same transaction gives a kick that ran inside it time to send before the rollback.
      for (let i = 0; i < 20; i++) await s.container.audit.ofRelease(id);
      throw new Error("the request failed after deciding");
    });
    await expect(failed).rejects.toThrow("the request failed after deciding");
    await settle();
    await s.container.dispatcher.deliverDue();
    expect(hook.got).toHaveLength(1);
    expect(await committed(s, "SELECT id FROM notifications ORDER BY id")).toEqual(before);

    // The same decision, committed: its follow-up goes out once.
    await s.container.decisions.decide({ releaseId: id, action: "approve", reason: "fine", actor: "ops", via: "cli" });
    await settle();
    await s.container.dispatcher.deliverDue();
    expect(hook.got.map((g) => g.json.type)).toEqual(["verdict", "decision"]);
  });
});
