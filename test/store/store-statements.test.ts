import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { multiRow, PgStore } from "../../src/store/pg-store.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";
import { createMigratedDatabase, dbUrl, dropDatabase, PG_SKIP_REASON } from "../support/postgres.ts";

describe("multiRow", () => {
  it("repeats the VALUES tuple and keeps what follows it", () => {
    expect(multiRow("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = t.b + excluded.b", 3))
      .toBe("INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT (a) DO UPDATE SET b = t.b + excluded.b");
    expect(() => multiRow("UPDATE t SET a = ?", 2)).toThrow(/INSERT … VALUES/);
  });
});

const stores: [string, () => Promise<Store>, boolean][] = [
  ["SQLite", async () => SqliteStore.open(join(mkdtempSync(join(tmpdir(), "dg-stmt-")), "s.db")), false],
  ["PostgreSQL", async () => new PgStore(new pg.Pool({ connectionString: dbUrl(await createMigratedDatabase()), max: 2 })), PG_SKIP_REASON !== undefined],
];

describe.each(stores)("statements on %s", (_name, open, skip) => {
  const opened: Store[] = [];
  afterAll(async () => {
    for (const s of opened) {
      const db = s.dialect === "postgres" ? (await s.statement<{ d: string }>("SELECT current_database() AS d").get())!.d : undefined;
      await s.close();
      if (db) dropDatabase(db);
    }
  });

  it.skipIf(skip)("inserts and upserts many rows in one call, all of them, inside a write", async () => {
    const store = await open();
    opened.push(store);
    await store.statement("CREATE TABLE counts (k TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)").run();
    const upsert = store.statement("INSERT INTO counts (k, n, note) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET n = counts.n + excluded.n");
    const rows = Array.from({ length: 25_000 }, (_, i) => [`k${i}`, i, i % 2 ? null : "even"]);
    expect(await store.write(() => upsert.runMany(rows))).toBe(25_000);
    await store.write(() => upsert.runMany([["k1", 10, null], ["k2", 5, "x"]]));
    const sum = await store.statement<{ total: number; notes: number }>("SELECT sum(n) AS total, count(note) AS notes FROM counts").get();
    expect(sum).toEqual({ total: (24_999 * 25_000) / 2 + 15, notes: 12_500 });
    expect(await store.statement<unknown>("SELECT k, n FROM counts WHERE k = ?").values("k2")).toEqual([["k2", 7]]);
  });

  it.skipIf(skip)("stores nothing of a runMany whose write fails", async () => {
    const store = await open();
    opened.push(store);
    await store.statement("CREATE TABLE strict_rows (k TEXT PRIMARY KEY, n BIGINT NOT NULL)").run();
    const insert = store.statement("INSERT INTO strict_rows (k, n) VALUES (?, ?)");
    await expect(store.write(() => insert.runMany([["a", 1], ["b", null]]))).rejects.toThrow();
    expect((await store.statement<{ c: number }>("SELECT count(*) AS c FROM strict_rows").get())!.c).toBe(0);
  });
});
