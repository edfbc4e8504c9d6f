import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const AUDIT_KINDS = ["decision", "evaluation_forced", "rollback_requested", "rollback_attempt", "late_data", "rollback_unknown", "rollback_resolved", "deploy_detected"] as const;

/** Append-only record of what people and actions did to releases: decisions, forced evaluations, rollbacks. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    kind: text("kind", { enum: AUDIT_KINDS }).notNull(),
    releaseId: text("release_id").notNull(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    version: text("version").notNull(),
    actor: text("actor").notNull(),
    message: text("message").notNull(),
    data: text("data", { mode: "json" }).notNull(),
  },
  (t) => [
    index("audit_events_by_release").on(t.releaseId, t.id),
    index("audit_events_by_service").on(t.service, t.at),
    index("audit_events_by_time").on(t.at),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
