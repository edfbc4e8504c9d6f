import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DEPLOY_PHASES } from "./deploys.ts";

/** Every accepted deploy event, kept as received; event_id makes re-sent events idempotent. */
export const deployEvents = sqliteTable(
  "deploy_events",
  {
    eventId: text("event_id").primaryKey(),
    releaseId: text("release_id").notNull(),
    deployId: text("deploy_id").notNull(),
    phase: text("phase", { enum: DEPLOY_PHASES }).notNull(),
    timestamp: integer("timestamp").notNull(),
    receivedAt: integer("received_at").notNull(),
    payload: text("payload", { mode: "json" }).notNull(),
  },
  (t) => [index("deploy_events_by_release").on(t.releaseId, t.timestamp)],
);
