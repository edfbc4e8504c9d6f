import Database from "better-sqlite3";
import pg from "pg";

/**
 * Counts what the service asks the database to do, by patching better-sqlite3's Statement and Database prototypes and
 * node-postgres' Client in this process: every statement run (drizzle queries and Store statements alike) and every
 * transaction control. On PostgreSQL each of them is a round trip, which is what this counter is for.
 */
export interface SqlCounts {
  statements: number;
  /** BEGIN, COMMIT, SAVEPOINT, RELEASE, ROLLBACK: round trips too on PostgreSQL. */
  control: number;
  /** Statements run inside a transaction: on PostgreSQL one after another on the connection the write holds. */
  inTransaction: number;
  /** Runs by SQL text as prepared (normalize when printing: counting must stay cheap). */
  byText: Map<string, number>;
}

export function installSqlCounter(): { snapshot: () => SqlCounts; reset: () => void } {
  const counts: SqlCounts = { statements: 0, control: 0, inTransaction: 0, byText: new Map() };
  const probe = new Database(":memory:");
  const statementProto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, unknown>;
  const databaseProto = Object.getPrototypeOf(probe) as Record<string, unknown>;
  probe.close();
  for (const method of ["run", "get", "all", "iterate"]) {
    const original = statementProto[method] as (...args: unknown[]) => unknown;
    statementProto[method] = function (this: { source: string; database: { inTransaction: boolean } }, ...args: unknown[]) {
      counts.statements++;
      if (this.database.inTransaction) counts.inTransaction++;
      counts.byText.set(this.source, (counts.byText.get(this.source) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  // PostgreSQL: every query the pool's clients send is one round trip.
  const clientProto = pg.Client.prototype as unknown as Record<string, unknown>;
  const query = clientProto.query as (...args: unknown[]) => unknown;
  const open = new WeakSet<object>();
  clientProto.query = function (this: object, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string } | undefined)?.text ?? "");
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(text)) {
      counts.control++;
      if (/^\s*BEGIN\b/i.test(text)) open.add(this);
      else if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(text)) open.delete(this);
    } else {
      counts.statements++;
      if (open.has(this)) counts.inTransaction++;
      counts.byText.set(text, (counts.byText.get(text) ?? 0) + 1);
    }
    return query.apply(this, args);
  };
  const exec = databaseProto.exec as (sql: string) => unknown;
  databaseProto.exec = function (this: unknown, sql: string) {
    counts.control++;
    return exec.call(this, sql);
  };
  return {
    snapshot: () => ({ statements: counts.statements, control: counts.control, inTransaction: counts.inTransaction, byText: new Map(counts.byText) }),
    reset: () => {
      counts.statements = 0;
      counts.control = 0;
      counts.inTransaction = 0;
      counts.byText.clear();
    },
  };
}
