import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Raw pushed request/log events, kept for the retention period; verdicts read the roll-ups. */
export const logEvents = sqliteTable(
  "log_events",
  {
    id: integer("id").primaryKey({ autoIncrement: false }),
    ts: integer("ts").notNull(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    host: text("host"),
    version: text("version"),
    level: text("level"),
    status: integer("status"),
    latencyMs: real("latency_ms"),
    route: text("route"),
    message: text("message"),
    isError: integer("is_error", { mode: "boolean" }).notNull(),
  },
  (t) => [index("log_events_by_service").on(t.service, t.environment, t.ts)],
);
