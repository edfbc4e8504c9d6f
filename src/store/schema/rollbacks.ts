import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** running: an attempt is under way; unknown: the process died during one, and a person must say whether it ran. */
export const ROLLBACK_STATUSES = ["pending", "running", "succeeded", "failed", "unknown"] as const;

/** Outbox of rollbacks: at most one per release (the primary key), written with the verdict or decision that asks for it. */
export const rollbacks = sqliteTable(
  "rollbacks",
  {
    releaseId: text("release_id").primaryKey(),
    ruleName: text("rule_name").notNull(),
    action: text("action", { mode: "json" }).notNull(),
    payload: text("payload", { mode: "json" }).notNull(),
    status: text("status", { enum: ROLLBACK_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("rollbacks_due").on(t.status, t.nextAttemptAt)],
);

export type RollbackRow = typeof rollbacks.$inferSelect;
