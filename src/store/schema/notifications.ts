import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const NOTIFICATION_STATUSES = ["pending", "sent", "failed"] as const;

/** Outbox of alerts: written with the verdict, delivered by a job with retries, so a dead channel never blocks a verdict. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    channel: text("channel").notNull(),
    payload: text("payload", { mode: "json" }).notNull(),
    status: text("status", { enum: NOTIFICATION_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("notifications_due").on(t.status, t.nextAttemptAt)],
);
