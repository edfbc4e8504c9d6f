import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import { WriteQueue } from "../../src/store/write-queue.ts";

function setup() {
  const db = openDb(join(mkdtempSync(join(tmpdir(), "dg-wq-")), "q.db"));
  db.$client.exec("CREATE TABLE t (v INTEGER NOT NULL)");
  const insert = db.$client.prepare("INSERT INTO t (v) VALUES (?)");
  const count = () => (db.$client.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
  return { db, insert, count, queue: new WriteQueue(db) };
}

describe("group commit", () => {
  it("shares one transaction among concurrent writes and answers each with its own result", async () => {
    const { insert, count, queue, db } = setup();
    let commits = 0;
    const origin = db.$client.transaction.bind(db.$client);
    db.$client.transaction = ((fn: () => unknown) => {
      const wrapped = origin(fn);
      return Object.assign((...args: unknown[]) => {
        if (!db.$client.inTransaction) commits++;
        return wrapped(...(args as []));
      }, wrapped);
    }) as typeof db.$client.transaction;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => queue.run(() => insert.run(i).changes)));
    expect(results).toEqual(Array(50).fill(1));
    expect(count()).toBe(50);
    expect(commits).toBe(1);
  });

  it("rolls back only the write that failed", async () => {
    const { insert, count, queue } = setup();
    const outcomes = await Promise.allSettled([
      queue.run(() => insert.run(1)),
      queue.run(() => {
        insert.run(2);
        insert.run(null);
      }),
      queue.run(() => insert.run(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain("NOT NULL");
    expect(count()).toBe(2);
  });

  it("answers only after the commit, so an acknowledged write is visible to a fresh connection", async () => {
    const { insert, queue, db } = setup();
    await queue.run(() => insert.run(7));
    const path = db.$client.name;
    const other = openDb(path);
    expect((other.$client.prepare("SELECT v FROM t").get() as { v: number }).v).toBe(7);
  });
});
