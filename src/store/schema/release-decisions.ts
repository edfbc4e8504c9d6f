import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** approve, hold and rollback set what the gate answers; retry hands it back to the engine; skip and mark_wrong leave it. */
export const DECISION_ACTIONS = ["approve", "hold", "rollback", "retry", "skip", "mark_wrong"] as const;
export const DECISION_FEEDBACK = ["false_fail", "missed_regression"] as const;
export const DECISION_CHANNELS = ["api", "slack", "dashboard", "cli"] as const;

/** Operators' decisions on a release, append-only; the latest one is what the gate answers. */
export const releaseDecisions = sqliteTable(
  "release_decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    action: text("action", { enum: DECISION_ACTIONS }).notNull(),
    reason: text("reason").notNull(),
    actor: text("actor").notNull(),
    via: text("via", { enum: DECISION_CHANNELS }).notNull(),
    engineStatus: text("engine_status").notNull(),
    /** A batch of a rolling deploy the decision is about; null for the whole release and every batch. */
    batchIndex: integer("batch_index"),
    /** skip: the signal set aside. */
    signal: text("signal"),
    /** mark_wrong: what was wrong with the engine's verdict. */
    feedback: text("feedback", { enum: DECISION_FEEDBACK }),
    decidedAt: integer("decided_at").notNull(),
  },
  (t) => [index("release_decisions_by_release").on(t.releaseId, t.id), index("release_decisions_feedback").on(t.feedback)],
);

export type ReleaseDecisionRow = typeof releaseDecisions.$inferSelect;
