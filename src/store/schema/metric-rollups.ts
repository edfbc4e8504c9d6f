import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Per-minute roll-up of metric samples (count, sum, min, max) per host and version. */
export const metricRollups = sqliteTable(
  "metric_rollups",
  {
    name: text("name").notNull(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    minute: integer("minute").notNull(),
    version: text("version").notNull(),
    host: text("host").notNull(),
    count: integer("count").notNull(),
    sum: real("sum").notNull(),
    min: real("min").notNull(),
    max: real("max").notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.service, t.environment, t.minute, t.version, t.host] })],
);
