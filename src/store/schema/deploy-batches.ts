import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DEPLOY_PHASES } from "./deploys.ts";

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
  },
  (t) => [primaryKey({ columns: [t.deployId, t.index] })],
);

export type DeployBatchRow = typeof deployBatches.$inferSelect;
