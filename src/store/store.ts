import type { Db } from "./db.ts";

export type Dialect = "sqlite" | "postgres";
export type SqlParam = string | number | bigint | null | Uint8Array;

/** A statement written once with `?` placeholders, prepared once, run many times. */
export interface Statement<Row> {
  all(...params: SqlParam[]): Promise<Row[]>;
  get(...params: SqlParam[]): Promise<Row | undefined>;
  /** Rows as arrays of column values, in the SELECT's order: for hot reads of many rows, where naming costs. */
  values(...params: SqlParam[]): Promise<unknown[][]>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(...params: SqlParam[]): Promise<number>;
  /**
   * Runs an `INSERT … VALUES (?, …) [ON CONFLICT …]` once per row, as few round trips as the database allows (on
   * PostgreSQL, many rows a statement). Rows must not repeat a conflict key within one call.
   */
  runMany(rows: SqlParam[][]): Promise<number>;
}

/**
 * Where every service reads and writes, the same on SQLite (one file, the embedded default) and PostgreSQL (several
 * replicas). Everything is asynchronous, because a PostgreSQL query is a round trip; on SQLite the promises resolve at
 * once.
 *
 * Rules for code that uses it:
 * - Read `store.db` each time (`this.store.db.select()…`), never keep it: inside `write()` it is the transaction's.
 * - Await a drizzle query (`await store.db.select()…`); never call `.all()`, `.get()`, `.run()` on one (SQLite only).
 *   For one row: `first(store.db.select()….limit(1))`.
 * - Put statements that must commit together in one `write()`. Work inside `write()` touches the database only: no
 *   fetch, no timer, no file. On SQLite many writes share one transaction and one fsync (group commit), so waiting on
 *   anything else would hold every writer.
 */
export interface Store {
  readonly dialect: Dialect;
  readonly db: Db;
  /** A statement from SQL text with `?` placeholders (quoted identifiers and ON CONFLICT as both databases accept). */
  statement<Row = Record<string, unknown>>(text: string): Statement<Row>;
  /**
   * Runs `work` in one transaction and resolves after the commit, so an acknowledged write is durable. A failing
   * `work` rolls back only its own statements. Nested calls join the surrounding transaction (as a savepoint).
   */
  write<T>(work: () => Promise<T> | T): Promise<T>;
  /** True while the caller runs inside `write()`. */
  inWrite(): boolean;
  /**
   * Runs `kick` once the write the caller is in has committed, outside every write (an alert sent, a rollback started
   * only for what is stored); never if that write rolls back. Outside a write it runs on the next microtask. A kick
   * handles its own errors.
   */
  afterCommit(kick: () => void): void;
  close(): Promise<void>;
}

/** The first row of a query, or undefined. */
export async function first<Row>(query: PromiseLike<Row[]>): Promise<Row | undefined> {
  return (await query)[0];
}
