import { blob, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The same per-minute roll-up as request_rollups, summed over hosts, versions and routes: one row a minute a service,
 * so the common window query (a whole service, no filter) reads 90 rows instead of thousands.
 */
export const serviceRollups = sqliteTable(
  "service_rollups",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    minute: integer("minute").notNull(),
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    latencyCount: integer("latency_count").notNull(),
    latencySum: real("latency_sum").notNull(),
    latencyHist: blob("latency_hist", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.environment, t.minute] })],
);
