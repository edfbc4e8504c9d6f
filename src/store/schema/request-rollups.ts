import { blob, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Per-minute roll-up of request/log events, so a release window is read in milliseconds.
 * Missing host/version/route are stored as "" so they can be part of the key.
 */
export const requestRollups = sqliteTable(
  "request_rollups",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    minute: integer("minute").notNull(),
    version: text("version").notNull(),
    host: text("host").notNull(),
    route: text("route").notNull(),
    requests: integer("requests").notNull(),
    errors: integer("errors").notNull(),
    latencyCount: integer("latency_count").notNull(),
    latencySum: real("latency_sum").notNull(),
    latencyHist: blob("latency_hist", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.service, t.environment, t.minute, t.version, t.host, t.route] })],
);
