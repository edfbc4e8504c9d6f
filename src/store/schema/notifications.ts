import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** throttled: collapsed into its route's digest and never sent alone. */
export const NOTIFICATION_STATUSES = ["pending", "sent", "failed", "throttled"] as const;
export const NOTIFICATION_KINDS = ["verdict", "digest"] as const;

/** Outbox of alerts: written with the verdict, delivered by a job with retries, so a dead channel never blocks a verdict. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    channel: text("channel").notNull(),
    /** The route's room or channel name; null for the channel's configured default. */
    target: text("target"),
    service: text("service"),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull().default("verdict"),
    /** release|channel|target|status: a re-sent verdict is queued once. */
    dedupeKey: text("dedupe_key"),
    payload: text("payload", { mode: "json" }).notNull(),
    status: text("status", { enum: NOTIFICATION_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    index("notifications_due").on(t.status, t.nextAttemptAt),
    uniqueIndex("notifications_dedupe").on(t.dedupeKey),
    index("notifications_route").on(t.channel, t.service, t.createdAt),
  ],
);
