import { getTableName, type Table } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as pgTables from "../../src/store/pg-schema.ts";
import * as sqliteTables from "../../src/store/schema/index.ts";

const names = (module: Record<string, unknown>) =>
  Object.values(module).filter((v): v is Table => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v).map((t) => getTableName(t)).sort();

describe("the PostgreSQL tables", () => {
  it("mirror every SQLite table, so drizzle-kit writes a PostgreSQL migration for each", () => {
    expect(names(pgTables)).toEqual(names(sqliteTables));
  });
});
