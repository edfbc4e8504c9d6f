import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Db } from "./db.ts";
import { maintainPartitions } from "./pg-partitions.ts";
import type { SqlParam, Statement, Store } from "./store.ts";

const MIGRATIONS = fileURLToPath(new URL("../../migrations/postgres", import.meta.url));
// Any fixed number will do: replicas starting together take this lock, so one runs the migrations and the rest wait.
const MIGRATION_LOCK = 0x64676d31; // "dgm1"
const RETRIED = new Set(["40001", "40P01", "23505"]); // serialization failure, deadlock, unique violation
const RETRIES = 3;

// bigint and numeric arrive as strings by default; every such value here (milliseconds, counts, sums) fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * Applies pending migrations under a session advisory lock on one direct connection, so replicas starting together
 * do not race. (Behind PgBouncer in transaction mode a session lock is not held: point start-up at the database
 * itself, see docs/scaling.md.)
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

interface Tx {
  client: pg.PoolClient;
  db: Db;
  savepoints: number;
  kicks: (() => void)[];
}

/**
 * Distinct statements prepared by name, at most: each is parsed once per connection and kept by every backend, so
 * SQL built per call (IN lists of any length) must not grow it without end; past this, statements run unnamed.
 */
const MAX_PREPARED = 400;

// PostgreSQL takes at most 65,535 parameters a statement.
const MAX_PARAMS = 60_000;

/**
 * `INSERT … VALUES (?, …) rest` as one statement for `rows` rows: the VALUES tuple repeated, each with its own
 * placeholders. One round trip for a thousand rows instead of a thousand.
 */
export function multiRow(text: string, rows: number): string {
  const m = /^(\s*INSERT\s[\s\S]*?\bVALUES\s*)(\([^()]*\))([\s\S]*)$/i.exec(text);
  if (!m) throw new Error(`runMany needs INSERT … VALUES (…): ${text.slice(0, 80)}`);
  const tuple = m[2]!;
  return m[1] + Array.from({ length: rows }, () => tuple).join(", ") + m[3];
}

/** `?` placeholders to `$1, $2, …`, leaving quoted strings and identifiers alone. */
export function positional(text: string): string {
  let n = 0;
  let quote: string | undefined;
  let out = "";
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === "?") {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * PostgreSQL, for several replicas on one database (issue 14). A write is one transaction on one pooled connection,
 * found again through AsyncLocalStorage by every query inside it (`store.db` and `store.statement` both follow it).
 * A write that loses a race (a unique key another replica inserted first, a deadlock) is run again from the start,
 * so code written as "read, then insert if missing" stays correct with replicas.
 */
export class PgStore implements Store {
  readonly dialect = "postgres" as const;
  private readonly tx = new AsyncLocalStorage<Tx>();
  private readonly root: Db;

  /** Statement text → its prepared name. */
  private readonly prepared = new Map<string, string>();

  /**
   * Over a pool whose database is already migrated (`open` migrates; the test harness migrates a template once).
   * `prepare`: statements run as named prepared statements, parsed once per connection, not at every call (about half
   * of PostgreSQL's CPU per deploy lifecycle went to parsing and planning; docs/scaling.md). Off for poolers that
   * cannot carry them (PgBouncer before 1.21, or with max_prepared_statements = 0, in transaction mode).
   */
  constructor(private readonly pool: pg.Pool, private readonly prepare = true) {
    // An idle connection the server closed (a restart, a failover) is dropped from the pool and replaced on next use;
    // without a listener its error would end the process.
    pool.on("error", () => undefined);
    this.root = drizzle(pool) as unknown as Db;
  }

  /** Connects and applies pending migrations. */
  static async open(url: string, options: { max?: number; prepare?: boolean } = {}): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    await migratePostgres(pool);
    const store = new PgStore(pool, options.prepare ?? true);
    await maintainPartitions(store, Date.now());
    return store;
  }

  get db(): Db {
    return this.tx.getStore()?.db ?? this.root;
  }

  statement<Row = Record<string, unknown>>(text: string): Statement<Row> {
    const query = positional(text);
    const name = this.nameFor(query);
    const exec = (params: SqlParam[], rowMode?: "array") => this.query(query, params, rowMode, name);
    return {
      all: async (...params) => (await exec(params)).rows as Row[],
      get: async (...params) => (await exec(params)).rows[0] as Row | undefined,
      values: async (...params) => (await exec(params, "array")).rows as unknown[][],
      run: async (...params) => (await exec(params)).rowCount ?? 0,
      runMany: async (rows) => {
        if (rows.length === 0) return 0;
        const per = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, rows[0]!.length)));
        let changed = 0;
        for (let i = 0; i < rows.length; i += per) {
          const chunk = rows.slice(i, i + per);
          changed += (await this.query(positional(multiRow(text, chunk.length)), chunk.flat())).rowCount ?? 0;
        }
        return changed;
      },
    };
  }

  /** The prepared name of a statement's text (the same text, the same name on every replica), or none past the limit. */
  private nameFor(text: string): string | undefined {
    if (!this.prepare) return undefined;
    const known = this.prepared.get(text);
    if (known !== undefined || this.prepared.size >= MAX_PREPARED) return known;
    const name = `dg_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    this.prepared.set(text, name);
    return name;
  }

  /** On the open write's connection when there is one, else any pooled connection. */
  private query(text: string, params: SqlParam[], rowMode?: "array", name?: string) {
    const runner = this.tx.getStore()?.client ?? this.pool;
    const values = params.map((p) => (typeof p === "bigint" ? p.toString() : p));
    return runner.query({ text, values, ...(name ? { name } : {}), ...(rowMode ? { rowMode } : {}) });
  }

  inWrite(): boolean {
    return this.tx.getStore() !== undefined;
  }

  afterCommit(kick: () => void): void {
    const tx = this.tx.getStore();
    if (tx) tx.kicks.push(kick);
    else queueMicrotask(kick);
  }

  async write<T>(work: () => Promise<T> | T): Promise<T> {
    const open = this.tx.getStore();
    if (open) return this.nested(open, work);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(work);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= RETRIES || !code || !RETRIED.has(code)) throw error;
      }
    }
  }

  private async transaction<T>(work: () => Promise<T> | T): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    let released = false;
    const tx: Tx = { client, db: drizzle(client) as unknown as Db, savepoints: 0, kicks: [] };
    try {
      await client.query("BEGIN");
      const value = await this.tx.run(tx, work);
      await client.query("COMMIT");
      client.release();
      released = true;
      for (const kick of tx.kicks) this.tx.exit(() => queueMicrotask(kick));
      return value;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => (broken = true));
      throw error;
    } finally {
      if (!released) client.release(broken);
    }
  }

  private async nested<T>(tx: Tx, work: () => Promise<T> | T): Promise<T> {
    const name = `nested_${++tx.savepoints}`;
    const kicks = tx.kicks.length;
    await tx.client.query(`SAVEPOINT ${name}`);
    try {
      const value = await work();
      await tx.client.query(`RELEASE SAVEPOINT ${name}`);
      return value;
    } catch (error) {
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      tx.kicks.length = kicks;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
