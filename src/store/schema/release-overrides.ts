import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const OVERRIDE_KINDS = ["retry", "skip_signal"] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

/**
 * What operators changed about how a release is judged (issue 12), append-only: a signal set aside for this release,
 * or a retry that reopened it with a fresh window. The decision itself is audited by the decision service.
 */
export const releaseOverrides = sqliteTable(
  "release_overrides",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    kind: text("kind", { enum: OVERRIDE_KINDS }).notNull(),
    /** skip_signal: the signal's name. */
    signal: text("signal"),
    actor: text("actor"),
    /** retry: where the fresh window starts (the end of the data the last verdict used). */
    windowStart: integer("window_start"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("release_overrides_by_release").on(t.releaseId, t.kind)],
);

export type ReleaseOverrideRow = typeof releaseOverrides.$inferSelect;
