import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const DECISION_ACTIONS = ["approve", "rollback", "hold"] as const;
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
    decidedAt: integer("decided_at").notNull(),
  },
  (t) => [index("release_decisions_by_release").on(t.releaseId, t.id)],
);

export type ReleaseDecisionRow = typeof releaseDecisions.$inferSelect;
