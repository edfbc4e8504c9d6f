import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { PgStore } from "./pg-store.ts";
import * as schema from "./schema/index.ts";
import type { SqliteStore } from "./sqlite-store.ts";

const BATCH = 1_000;

export interface CopiedTable {
  table: string;
  rows: number;
}

const tables = (): Table[] =>
  (Object.values(schema) as unknown[]).filter((v): v is Table => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v);

/**
 * Copies every table of a SQLite file into an empty, migrated PostgreSQL database, in one PostgreSQL transaction:
 * either all of it arrives or none. Auto-numbered ids keep their values, and each sequence then continues after the
 * largest. The SQLite file is only read; stop the service first so nothing changes while it is copied.
 */
export async function copySqliteToPostgres(from: SqliteStore, to: PgStore, progress: (t: CopiedTable) => void = () => undefined): Promise<CopiedTable[]> {
  const nonEmpty: string[] = [];
  for (const table of tables()) {
    const found = await to.statement<{ one: number }>(`SELECT 1 AS one FROM "${getTableName(table)}" LIMIT 1`).get();
    if (found) nonEmpty.push(getTableName(table));
  }
  if (nonEmpty.length > 0) throw new Error(`the PostgreSQL database already holds data (${nonEmpty.join(", ")}); copy into an empty one`);
  return to.write(async () => {
    const copied: CopiedTable[] = [];
    for (const table of tables()) {
      const name = getTableName(table);
      let rows = 0;
      for (let offset = 0; ; offset += BATCH) {
        const batch = await from.db.select().from(table as never).limit(BATCH).offset(offset);
        if (batch.length === 0) break;
        await to.db.insert(table as never).values(batch as never);
        rows += batch.length;
      }
      const serial = Object.values(getTableColumns(table)).find((c) => (c as unknown as { autoIncrement?: boolean }).autoIncrement === true);
      if (serial) {
        await to.statement(`SELECT setval(pg_get_serial_sequence('"${name}"', '${serial.name}'), coalesce((SELECT max("${serial.name}") FROM "${name}"), 0) + 1, false)`).get();
      }
      copied.push({ table: name, rows });
      progress({ table: name, rows });
    }
    return copied;
  });
}
