import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const EVALUATION_KINDS = ["interim", "final"] as const;

/** Every evaluation of a release, interim or final, with its full result, so a verdict can be explained later. */
export const evaluations = sqliteTable(
  "evaluations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    releaseId: text("release_id").notNull(),
    kind: text("kind", { enum: EVALUATION_KINDS }).notNull(),
    evaluatedAt: integer("evaluated_at").notNull(),
    status: text("status").notNull(),
    score: real("score"),
    result: text("result", { mode: "json" }).notNull(),
  },
  (t) => [index("evaluations_by_release").on(t.releaseId, t.evaluatedAt)],
);
