import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { mergeHistograms } from "../telemetry/latency-histogram.ts";
import * as schema from "./schema/index.ts";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type SyncMode = "normal" | "full";

const MIGRATIONS = fileURLToPath(new URL("../../migrations/sqlite", import.meta.url));

/**
 * Opens the SQLite file in WAL mode and applies pending migrations.
 * synchronous=FULL makes every acknowledged write survive a power cut; NORMAL survives a process crash only.
 */
export function openDb(path: string, sync: SyncMode = "full"): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${sync === "full" ? "FULL" : "NORMAL"}`);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.function("merge_hist", { deterministic: true }, (a: unknown, b: unknown) =>
    mergeHistograms(a instanceof Uint8Array ? a : new Uint8Array(), b instanceof Uint8Array ? b : new Uint8Array()),
  );
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}
