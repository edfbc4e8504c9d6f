import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const EFFECT_KINDS = ["alert", "rollback"] as const;
/** unknown: the process died while the attempt ran, so nobody knows whether it took effect. */
export const ATTEMPT_STATUSES = ["started", "succeeded", "failed", "unknown"] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * Every attempt at an outside side effect (an alert delivery, a rollback), written and committed before it starts,
 * so a crash leaves a 'started' row behind instead of no trace: the next run knows the fate is unknown.
 */
export const effectAttempts = sqliteTable(
  "effect_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    effect: text("effect", { enum: EFFECT_KINDS }).notNull(),
    /** The notification id (alerts) or the release id (rollbacks). */
    subject: text("subject").notNull(),
    attempt: integer("attempt").notNull(),
    status: text("status", { enum: ATTEMPT_STATUSES }).notNull(),
    /** Sent with the call (Idempotency-Key, Slack metadata), the same on every attempt of one side effect. */
    idempotencyKey: text("idempotency_key").notNull(),
    /** Process that ran it: an attempt 'started' by another process id has an unknown fate. */
    runner: text("runner").notNull(),
    startedAt: integer("started_at").notNull(),
    /** Past this, an attempt still 'started' is another replica's that died (PostgreSQL); null: written before leases. */
    leaseUntil: integer("lease_until"),
    finishedAt: integer("finished_at"),
    detail: text("detail"),
  },
  (t) => [
    uniqueIndex("effect_attempts_one").on(t.effect, t.subject, t.attempt),
    index("effect_attempts_open").on(t.status),
  ],
);

export type EffectAttemptRow = typeof effectAttempts.$inferSelect;
