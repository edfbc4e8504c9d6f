import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DEPLOY_PHASES } from "./deploys.ts";
import { RELEASE_STATUSES } from "./releases.ts";

/** One batch of a rolling deploy ("two machines at a time, or a percentage"). */
export const deployBatches = sqliteTable(
  "deploy_batches",
  {
    deployId: text("deploy_id").notNull(),
    index: integer("batch_index").notNull(),
    total: integer("batch_total").notNull(),
    status: text("status", { enum: DEPLOY_PHASES }).notNull(),
    hosts: text("hosts", { mode: "json" }).$type<string[]>(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    /** The batch's own verdict: the hosts updated so far, judged over the minutes after this batch finished. */
    verdictStatus: text("verdict_status", { enum: RELEASE_STATUSES }),
    verdict: text("verdict", { mode: "json" }),
    score: real("score"),
    windowStart: integer("window_start"),
    windowEnd: integer("window_end"),
    nextCheckAt: integer("next_check_at"),
    decidedAt: integer("decided_at"),
  },
  (t) => [primaryKey({ columns: [t.deployId, t.index] }), index("deploy_batches_due").on(t.verdictStatus, t.nextCheckAt)],
);

export type DeployBatchRow = typeof deployBatches.$inferSelect;
