import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { EffectAttemptStore } from "../../src/store/effect-attempt-store.ts";
import { PgStore } from "../../src/store/pg-store.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";
import { cloneTemplate, dbUrl, dropDatabase } from "../support/postgres.ts";
import { TEST_STORE } from "../support/test-service.ts";

const dirs: string[] = [];
const databases: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const name of databases.splice(0)) dropDatabase(name);
});

/** A new store of the kind under test: a SQLite file, or a PostgreSQL database copied from the migrated template. */
function open(): Store {
  let store: Store;
  if (TEST_STORE === "postgres") {
    const name = cloneTemplate();
    databases.push(name);
    store = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 4 }));
  } else {
    store = SqliteStore.open(join(dirs[dirs.push(mkdtempSync(join(tmpdir(), "dg-attempts-"))) - 1]!, "guard.db"), "normal");
  }
  stores.push(store);
  return store;
}

const ATTEMPTS = "SELECT subject, attempt, status, detail FROM effect_attempts ORDER BY id";

/** What another connection reads: the file opened again, or (outside any write) another pooled PostgreSQL connection. */
async function onDisk(store: Store): Promise<unknown[]> {
  if (store.dialect === "postgres") return store.statement(ATTEMPTS).all();
  const db = new Database(store.db.$client.name, { readonly: true });
  try {
    return db.prepare(ATTEMPTS).all();
  } finally {
    db.close();
  }
}

describe("effect attempts", () => {
  it("has an attempt committed as started when start() resolves, numbered per subject", async () => {
    const store = open();
    const attempts = new EffectAttemptStore(store);
    expect(await attempts.start("alert", "7", "key-7", 1000)).toMatchObject({ attempt: 1 });
    const second = await attempts.start("alert", "7", "key-7", 2000);
    expect(second.attempt).toBe(2);
    expect(await onDisk(store)).toEqual([
      { subject: "7", attempt: 1, status: "started", detail: null },
      { subject: "7", attempt: 2, status: "started", detail: null },
    ]);
    await attempts.finish(second.id, "succeeded", null, 3000);
    expect((await attempts.ofSubject("alert", "7")).map((a) => a.status)).toEqual(["started", "succeeded"]);
  });

  it("turns another runner's attempts left started into unknown, once, and leaves its own in flight alone", async () => {
    const first = open();
    const crashed = new EffectAttemptStore(first);
    await crashed.start("rollback", "rel_1", "rollback-rel_1", 1000);
    const restarted = new EffectAttemptStore(first);
    await restarted.start("rollback", "rel_2", "rollback-rel_2", 2000);

    expect((await restarted.orphans("rollback")).map((o) => o.subject)).toEqual(["rel_1"]);
    expect(await restarted.orphans("rollback")).toEqual([]);
    expect(await restarted.unknownSince("rollback", "rel_1")).toBe(1000);
    expect(await restarted.unknownSince("rollback", "rel_2")).toBeUndefined();
    expect(await onDisk(first)).toEqual([
      { subject: "rel_1", attempt: 1, status: "unknown", detail: "the process stopped while this attempt ran" },
      { subject: "rel_2", attempt: 1, status: "started", detail: null },
    ]);
  });

  it("stores nothing of a start made inside a write that rolls back", async () => {
    const store = open();
    const attempts = new EffectAttemptStore(store);
    const failed = store.write(async () => {
      await attempts.start("rollback", "rel_1", "rollback-rel_1", 1000);
      throw new Error("the claim failed");
    });
    await expect(failed).rejects.toThrow("the claim failed");
    expect(await onDisk(store)).toEqual([]);
  });
});
