import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const DEPLOY_PHASES = ["started", "finished", "failed", "rolled_back"] as const;
export type DeployPhase = (typeof DEPLOY_PHASES)[number];

/** One roll-out of a release, possibly in batches. */
export const deploys = sqliteTable(
  "deploys",
  {
    id: text("id").primaryKey(),
    releaseId: text("release_id").notNull(),
    status: text("status", { enum: DEPLOY_PHASES }).notNull(),
    tool: text("tool"),
    url: text("url"),
    commit: text("commit"),
    hosts: text("hosts", { mode: "json" }).$type<string[]>(),
    batchTotal: integer("batch_total"),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("deploys_by_release").on(t.releaseId, t.status, t.startedAt)],
);

export type DeployRow = typeof deploys.$inferSelect;
