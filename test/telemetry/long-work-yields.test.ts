import { afterEach, describe, expect, it } from "vitest";
import { WriteQueue } from "../../src/store/write-queue.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";
import { countOf } from "./refusing-trigger.ts";

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

const DAY = 24 * 3600_000;

/** Counts event-loop turns while `work` runs: each is a moment another request could have been answered. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  return { result, turns };
}

describe("long work yields to requests", () => {
  it("retention deletes a large backlog in chunks of at most 5,000 rows, answering /healthz between them", async () => {
    svc = createTestService();
    const old = svc.clock.now - 30 * DAY;
    await svc.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 23000)
      INSERT INTO log_events (ts, service, environment, is_error) SELECT ${old} + i, 'web', 'production', 0 FROM n`).run();
    await svc.sql("INSERT INTO log_events (ts, service, environment, is_error) VALUES (?, 'web', 'production', 0)").run(svc.clock.now);

    let health: number | undefined;
    const { result, turns } = await turnsDuring(async () => {
      const pruning = svc!.container.telemetry.prune(svc!.clock.now - 14 * DAY);
      health = (await svc!.request("GET", "/healthz")).status;
      return pruning;
    });
    expect(result).toBe(23000);
    expect(turns).toBeGreaterThanOrEqual(4); // 23,000 rows: 5 transactions, with a turn of the event loop after each full one
    expect(health).toBe(200);
    expect(await countOf(svc, "log_events")).toBe(1);
  });

  // SQLite's write queue (group commit on one connection); PostgreSQL writes in one transaction per write() instead.
  it.skipIf(TEST_STORE === "postgres")("commits queued large writes in slices, so other requests are answered between them, and acknowledges each once stored", async () => {
    svc = createTestService();
    const queue = new WriteQueue(svc.container.store.db.$client, 256, 20);
    const busy = (ms: number) => () => {
      const until = performance.now() + ms;
      while (performance.now() < until);
      return ms;
    };
    const { result, turns } = await turnsDuring(() => Promise.all(Array.from({ length: 6 }, () => queue.run(busy(15)))));
    expect(result).toEqual([15, 15, 15, 15, 15, 15]);
    // 90 ms of writes in slices of about 20 ms: at least three turns between them, where a single flush would give none.
    expect(turns).toBeGreaterThanOrEqual(3);
  });
});
