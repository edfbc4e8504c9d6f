import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { RELEASE_STATUSES } from "./releases.ts";

/**
 * On-demand analyses (Kayenta and Keptn style): a control window against an experiment window of one service, judged
 * by the same engine as releases but never a release, so no alert, decision or rollback follows one.
 */
export const analyses = sqliteTable(
  "analyses",
  {
    id: text("id").primaryKey(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    ruleName: text("rule_name").notNull(),
    /** Each side as asked for: {start, end, hosts?, version?}, epoch ms. */
    control: text("control", { mode: "json" }).notNull(),
    experiment: text("experiment", { mode: "json" }).notNull(),
    status: text("status", { enum: RELEASE_STATUSES }).notNull(),
    score: real("score"),
    summary: text("summary"),
    verdict: text("verdict", { mode: "json" }),
    /** The Idempotency-Key header; with requestHash, a re-POST finds its analysis and a reused key with another body is refused. */
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash").notNull(),
    /** When both windows have ended and the ingest grace has passed: the analysis is judged at the first poll from then. */
    dueAt: integer("due_at").notNull(),
    decidedAt: integer("decided_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("analyses_idempotency_key").on(t.idempotencyKey), index("analyses_by_service").on(t.service, t.environment, t.createdAt)],
);

export type AnalysisRow = typeof analyses.$inferSelect;
