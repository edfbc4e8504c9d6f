import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

function setup() {
  const store = SqliteStore.open(join(mkdtempSync(join(tmpdir(), "dg-wq-")), "q.db"));
  store.db.$client.exec("CREATE TABLE t (v INTEGER NOT NULL)");
  const insert = store.statement("INSERT INTO t (v) VALUES (?)");
  const count = async () => (await store.statement<{ n: number }>("SELECT count(*) AS n FROM t").get())!.n;
  return { store, insert, count };
}

describe("group commit", () => {
  it("shares one transaction among concurrent writes and answers each with its own result", async () => {
    const { store, insert, count } = setup();
    let commits = 0;
    const exec = store.db.$client.exec.bind(store.db.$client);
    store.db.$client.exec = ((sql: string) => {
      if (sql === "COMMIT") commits++;
      return exec(sql);
    }) as typeof store.db.$client.exec;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.write(() => insert.run(i))));
    expect(results).toEqual(Array(50).fill(1));
    expect(await count()).toBe(50);
    // One commit on a quiet machine; a flush yields after 20 ms of work, so a loaded one may split the 50 in two or three.
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(3);
  });

  it("rolls back only the write that failed", async () => {
    const { store, insert, count } = setup();
    const outcomes = await Promise.allSettled([
      store.write(() => insert.run(1)),
      store.write(async () => {
        await insert.run(2);
        await insert.run(null);
      }),
      store.write(() => insert.run(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain("NOT NULL");
    expect(await count()).toBe(2);
  });

  it("answers only after the commit, so an acknowledged write is visible to a fresh connection", async () => {
    const { store, insert } = setup();
    await store.write(() => insert.run(7));
    const other = openDb(store.db.$client.name);
    expect((other.$client.prepare("SELECT v FROM t").get() as { v: number }).v).toBe(7);
  });

  it("joins a nested write to the surrounding transaction, and a failing nested write rolls back only itself", async () => {
    const { store, insert, count } = setup();
    const inner = await store.write(async () => {
      await insert.run(1);
      expect(store.inWrite()).toBe(true);
      const failed = await store.write(async () => {
        await insert.run(2);
        throw new Error("inner");
      }).catch((e: Error) => e.message);
      await store.write(() => insert.run(3));
      return failed;
    });
    expect(inner).toBe("inner");
    expect(await count()).toBe(2);
    expect(store.inWrite()).toBe(false);
  });

  it("refuses a write that waits on real I/O while the transaction is open, storing nothing of the flush", async () => {
    const { store, insert, count } = setup();
    const outcome = await store
      .write(async () => {
        await insert.run(1);
        await new Promise((r) => setTimeout(r, 5));
        await insert.run(2);
      })
      .catch((e: Error) => e.message);
    expect(outcome).toMatch(/waited on something other than the database/);
    expect(await count()).toBe(0);
    expect(await store.write(() => insert.run(3))).toBe(1);
  });

  it("runs a kick only after its write committed, outside every write, and never for a write or savepoint rolled back", async () => {
    const { store, insert, count } = setup();
    const ran: string[] = [];
    const kick = (name: string) => () => ran.push(`${name}:${store.inWrite() ? "inside" : "outside"}:${store.db.$client.inTransaction ? "open" : "closed"}`);
    await store.write(async () => {
      await insert.run(1);
      store.afterCommit(kick("committed"));
      await store.write(async () => {
        store.afterCommit(kick("nested-rolled-back"));
        throw new Error("inner");
      }).catch(() => undefined);
      expect(ran).toEqual([]);
    });
    await store.write(async () => {
      store.afterCommit(kick("rolled-back"));
      await insert.run(null);
    }).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(["committed:outside:closed"]);
    expect(await count()).toBe(1);
  });
});
