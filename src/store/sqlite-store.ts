import type { Statement as SqliteStatement } from "better-sqlite3";
import { openDb, type Db, type SyncMode } from "./db.ts";
import type { SqlParam, Statement, Store } from "./store.ts";
import { WriteQueue } from "./write-queue.ts";

const MAX_PREPARED = 500;

/** The embedded store: one SQLite file, statements prepared once, writes group-committed by a WriteQueue. */
export class SqliteStore implements Store {
  readonly dialect = "sqlite" as const;
  private readonly writes: WriteQueue;
  private readonly prepared = new Map<string, { named: SqliteStatement; raw?: SqliteStatement }>();

  constructor(readonly db: Db) {
    this.writes = new WriteQueue(db.$client);
  }

  static open(path: string, sync: SyncMode = "full"): SqliteStore {
    return new SqliteStore(openDb(path, sync));
  }

  statement<Row = Record<string, unknown>>(text: string): Statement<Row> {
    let entry = this.prepared.get(text);
    if (!entry) {
      // Texts that vary (a list of hosts in a filter) would grow the cache without end: start it again instead.
      if (this.prepared.size >= MAX_PREPARED) this.prepared.clear();
      entry = { named: this.db.$client.prepare(text) };
      this.prepared.set(text, entry);
    }
    const e = entry;
    const s = e.named;
    return {
      all: async (...params: SqlParam[]) => s.all(...params) as Row[],
      get: async (...params: SqlParam[]) => s.get(...params) as Row | undefined,
      values: async (...params: SqlParam[]) => (e.raw ??= this.db.$client.prepare(text).raw(true)).all(...params) as unknown[][],
      run: async (...params: SqlParam[]) => s.run(...params).changes,
      runMany: async (rows: SqlParam[][]) => rows.reduce((n, row) => n + s.run(...row).changes, 0),
    };
  }

  write<T>(work: () => Promise<T> | T): Promise<T> {
    return this.writes.run(work);
  }

  inWrite(): boolean {
    return this.writes.inWrite();
  }

  afterCommit(kick: () => void): void {
    this.writes.afterCommit(kick);
  }

  async close(): Promise<void> {
    if (this.db.$client.open) this.db.$client.close();
  }
}
