import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const CAPACITY_FIT_KINDS = ["nightly", "release"] as const;

/**
 * Capacity fits: a service's nightly refit, or a release's before/after comparison (one row per release, replaced
 * until its after window is complete); the release rows are the per-release history of the coefficients.
 */
export const capacityFits = sqliteTable(
  "capacity_fits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    kind: text("kind", { enum: CAPACITY_FIT_KINDS }).notNull(),
    releaseId: text("release_id"),
    fittedAt: integer("fitted_at").notNull(),
    /** The window of the fit (nightly) or of the after side (release). */
    windowStart: integer("window_start").notNull(),
    windowEnd: integer("window_end").notNull(),
    status: text("status").notNull(),
    complete: integer("complete", { mode: "boolean" }).notNull(),
    result: text("result", { mode: "json" }).notNull(),
  },
  (t) => [
    uniqueIndex("capacity_fits_release").on(t.releaseId),
    index("capacity_fits_by_service").on(t.service, t.environment, t.kind, t.fittedAt),
  ],
);

export type CapacityFitRow = typeof capacityFits.$inferSelect;
