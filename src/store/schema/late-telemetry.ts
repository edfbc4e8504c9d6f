import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Which token wrote roll-up contributions for a minute after that minute's grace had passed (backfill), one row per
 * batch and minute. Only late records are written here, so the hot ingest path pays nothing for on-time data.
 */
export const lateTelemetry = sqliteTable(
  "late_telemetry",
  {
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    minute: integer("minute").notNull(),
    tokenId: text("token_id").notNull(),
    tokenName: text("token_name").notNull(),
    receivedAt: integer("received_at").notNull(),
    records: integer("records").notNull(),
  },
  (t) => [index("late_telemetry_minute").on(t.service, t.environment, t.minute)],
);
