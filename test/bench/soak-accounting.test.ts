import { afterEach, describe, expect, it } from "vitest";
import { countAlerts, countRollbacks } from "../../bench/soak-accounting.ts";
import { WebhookNotifier } from "../../src/notify/webhook-notifier.ts";
import { startReceiver, type Receiver } from "../notify/local-receiver.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:30Z");
let svc: TestService | undefined;
let hook: Receiver | undefined;
afterEach(async () => {
  svc?.close();
  await hook?.close();
});

/** The real outbox and dispatcher, throttled to one release a minute, delivering to a local webhook receiver. */
async function threeFailedReleases() {
  hook = await startReceiver();
  svc = createTestService({ now: START, notifiers: [new WebhookNotifier(hook.url, "soak-accounting-secret-0123", () => svc!.clock.now)], env: { DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: "1", DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: "1" } });
  const ids: string[] = [];
  for (const v of ["1", "2", "3"]) {
    const res = await svc.request("POST", "/api/v1/deploys", { service: "pay", version: v, phase: "failed", event_id: `pay-${v}` });
    ids.push(((await res.json()) as { release_id: string }).release_id);
  }
  await svc.container.dispatcher.deliverDue();
  svc.clock.now = START + 2 * MIN;
  await svc.container.dispatcher.deliverDue();
  return ids;
}

// The soak bench counts from a SQLite server's database (bench/soak-accounting.ts takes a better-sqlite3 handle).
describe.skipIf(TEST_STORE === "postgres")("soak accounting of alerts", () => {
  it("counts a release as alerted once by its own alert or by one digest that covers its throttle window", async () => {
    const ids = await threeFailedReleases();
    expect(hook!.got.map((g) => g.json.type)).toEqual(["verdict", "digest"]);
    const counted = countAlerts(hook!.got, ids, svc!.container.db.$client, MIN);
    expect(counted).toMatchObject({ alertsOwnExactlyOnce: 1, alertsInOneDigest: 2, alertsInOneDigestNamed: 2, alertsMissing: 0, alertsTwice: 0, digestsDelivered: 1, digestWindows: 1, digestsWithWrongCount: 0, alertsRepeatedWithSameKey: 0 });
  });

  it("tells a repeat under the same key from a second delivery, and names releases nobody was told about", async () => {
    const ids = await threeFailedReleases();
    const digest = hook!.got[1]!;
    const repeated = [...hook!.got, digest, { ...digest, headers: { ...digest.headers, "idempotency-key": "another-key" } }];
    const counted = countAlerts(repeated, [...ids, "never-alerted"], svc!.container.db.$client, MIN);
    expect(counted).toMatchObject({ alertsOwnExactlyOnce: 1, alertsInOneDigest: 0, alertsTwice: 2, alertsMissing: 1, alertsRepeatedWithSameKey: 1 });
  });

  it("sorts rollbacks that never ran by their state, and checks each unknown one alerted a person once", async () => {
    const ids = await threeFailedReleases();
    const db = svc!.container.db.$client;
    const row = db.prepare(`INSERT INTO rollbacks (release_id, rule_name, action, payload, status, attempts, next_attempt_at, created_at) VALUES (?, 'default', '{}', '{}', ?, 1, 0, 0)`);
    row.run(ids[0], "succeeded");
    row.run(ids[1], "unknown");
    row.run(ids[2], "unknown");
    db.prepare("INSERT INTO effect_attempts (effect, subject, attempt, status, idempotency_key, runner, started_at) VALUES ('rollback', ?, 1, 'unknown', 'k', 'r', 1000)").run(ids[2]);
    const alert = { method: "POST", path: "/", body: "", headers: { "idempotency-key": "k1" }, json: { type: "verdict", release_id: ids[1], summary: "Rollback of pay 2 (production) may or may not have run: …" } };
    const counted = countRollbacks([alert], [...ids, "no-row"], [ids[0]!, ids[1]!, ids[0]!], db, [500, 1040, 9000]);
    expect(counted).toMatchObject({
      rollbacksExactlyOnce: 1, rollbacksTwice: 1, rollbacksNeverRun: 2, rollbacksNeverRunByStatus: JSON.stringify({ unknown: 1, "no rollback row": 1 }), rollbacksNeverRunMsFromStartToKill: "40–40",
      rollbacksUnknown: 2, rollbacksUnknownRanOnce: 1, rollbacksUnknownPersonAlertedOnce: 1,
    });
  });
});
