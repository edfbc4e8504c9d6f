import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Raw pushed metric samples, kept for the retention period; verdicts read the roll-ups. */
export const metricSamples = sqliteTable(
  "metric_samples",
  {
    id: integer("id").primaryKey({ autoIncrement: false }),
    name: text("name").notNull(),
    ts: integer("ts").notNull(),
    value: real("value").notNull(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    host: text("host"),
    version: text("version"),
    tags: text("tags", { mode: "json" }).$type<Record<string, string>>(),
  },
  (t) => [index("metric_samples_by_service").on(t.service, t.environment, t.name, t.ts)],
);
