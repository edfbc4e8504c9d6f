import { getTableColumns, type Table } from "drizzle-orm";
import {
  bigint, bigserial, customType, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex,
  type PgColumnBuilderBase, type PgTableWithColumns,
} from "drizzle-orm/pg-core";
import { getTableConfig, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as sqlite from "./schema/index.ts";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * The PostgreSQL tables, derived from the SQLite schema (src/store/schema/), so the two cannot drift: drizzle-kit
 * generates migrations/postgres from these. Each column keeps the storage the SQLite column's drizzle mapping reads and
 * writes — integers (milliseconds, counts, 0/1 flags) as bigint, JSON as text, blobs as bytea — so the services' queries,
 * written once against the SQLite tables, run unchanged on the node-postgres driver.
 */
function column(c: SQLiteColumn): PgColumnBuilderBase {
  // SQLite numbers an INTEGER PRIMARY KEY itself when an insert leaves it out, with or without AUTOINCREMENT.
  const auto = (c as unknown as { autoIncrement?: boolean }).autoIncrement === true || (c.primary && c.columnType === "SQLiteInteger");
  let b;
  switch (c.columnType) {
    case "SQLiteInteger":
      b = auto ? bigserial(c.name, { mode: "number" }) : bigint(c.name, { mode: "number" });
      break;
    case "SQLiteBoolean":
      b = integer(c.name);
      break;
    case "SQLiteText":
    case "SQLiteTextJson":
      b = text(c.name);
      break;
    case "SQLiteReal":
      b = doublePrecision(c.name);
      break;
    case "SQLiteBlobBuffer":
      b = bytea(c.name);
      break;
    default:
      throw new Error(`pg-schema: no PostgreSQL mapping for ${c.columnType} (${c.name})`);
  }
  if (c.primary) b = b.primaryKey();
  else if (c.notNull && !auto) b = b.notNull();
  if (c.isUnique) b = b.unique();
  if (c.hasDefault && c.default !== undefined) b = b.default(c.default as never);
  return b;
}

export function mirror(table: Table): PgTableWithColumns<never> {
  const config = getTableConfig(table as never);
  const columns = Object.fromEntries(Object.entries(getTableColumns(table)).map(([key, c]) => [key, column(c as SQLiteColumn)]));
  return pgTable(config.name, columns, (t) => {
    const col = (name: string) => Object.values(t).find((c) => (c as { name: string }).name === name) as never;
    return [
      ...config.primaryKeys.map((pk) => primaryKey({ columns: pk.columns.map((c) => col(c.name)) as never })),
      ...config.indexes.map((i) => {
        if (i.config.where) throw new Error(`pg-schema: partial index ${i.config.name} is not mirrored`);
        const names = i.config.columns.map((c) => col((c as { name: string }).name));
        return (i.config.unique ? uniqueIndex(i.config.name) : index(i.config.name)).on(...(names as [never, ...never[]]));
      }),
    ];
  }) as unknown as PgTableWithColumns<never>;
}

// drizzle-kit reads only named exports, so each table is listed; test/store/pg-schema.test.ts checks none is missing.
export const analyses = mirror(sqlite.analyses);
export const apiTokens = mirror(sqlite.apiTokens);
export const auditEvents = mirror(sqlite.auditEvents);
export const capacityFits = mirror(sqlite.capacityFits);
export const dashboardSessions = mirror(sqlite.dashboardSessions);
export const deployBatches = mirror(sqlite.deployBatches);
export const deployEvents = mirror(sqlite.deployEvents);
export const deploys = mirror(sqlite.deploys);
export const effectAttempts = mirror(sqlite.effectAttempts);
export const errorSignatures = mirror(sqlite.errorSignatures);
export const errorSignatureMinutes = mirror(sqlite.errorSignatureMinutes);
export const evaluations = mirror(sqlite.evaluations);
export const githubDeployments = mirror(sqlite.githubDeployments);
export const githubProtectionAnswers = mirror(sqlite.githubProtectionAnswers);
export const jobLeases = mirror(sqlite.jobLeases);
export const lateTelemetry = mirror(sqlite.lateTelemetry);
export const logEvents = mirror(sqlite.logEvents);
export const messageRefs = mirror(sqlite.messageRefs);
export const metricRollups = mirror(sqlite.metricRollups);
export const metricSamples = mirror(sqlite.metricSamples);
export const notifications = mirror(sqlite.notifications);
export const releaseDecisions = mirror(sqlite.releaseDecisions);
export const releaseOverrides = mirror(sqlite.releaseOverrides);
export const releases = mirror(sqlite.releases);
export const requestRollups = mirror(sqlite.requestRollups);
export const rollbacks = mirror(sqlite.rollbacks);
export const serviceRollups = mirror(sqlite.serviceRollups);
export const serviceVersions = mirror(sqlite.serviceVersions);
export const slackActionsSeen = mirror(sqlite.slackActionsSeen);
