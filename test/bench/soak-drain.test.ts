import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitForDrain } from "../../bench/soak-drain.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";

let svc: TestService | undefined;
afterEach(() => svc?.close());

// The soak bench watches a SQLite server's file (bench/soak-drain.ts opens it read-only): nothing of it runs on PostgreSQL.
describe.skipIf(TEST_STORE === "postgres")("soak drain", () => {
  it("waits while an alert or a rollback is left to do, and says what was left when the cap ends the wait", async () => {
    svc = createTestService();
    const db = svc.container.db.$client;
    const path = join(svc.dir, "guard.db");
    expect(await waitForDrain(path, 0)).toMatchObject({ drained: true, pending: {} });
    db.prepare(`INSERT INTO notifications (release_id, channel, kind, payload, status, next_attempt_at, created_at) VALUES ('r1', 'webhook', 'digest', '{}', 'pending', 0, 0)`).run();
    db.prepare(`INSERT INTO rollbacks (release_id, rule_name, action, payload, status, attempts, next_attempt_at, created_at) VALUES ('r1', 'default', '{}', '{}', 'running', 1, 0, 0)`).run();
    expect(await waitForDrain(path, 300, 50)).toMatchObject({ drained: false, pending: { "alert digest": 1, "rollback running": 1 } });
    setTimeout(() => {
      db.prepare("UPDATE notifications SET status = 'sent'").run();
      db.prepare("UPDATE rollbacks SET status = 'unknown'").run();
    }, 200);
    const done = await waitForDrain(path, 5000, 50);
    expect(done).toMatchObject({ drained: true, pending: {} });
    expect(done.seconds).toBeGreaterThanOrEqual(0.1);
  });
});
