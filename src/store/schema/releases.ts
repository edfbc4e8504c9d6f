import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const RELEASE_STATUSES = ["pending", "analyzing", "pass", "warn", "fail", "hold"] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** One version of one service in one environment; its windows come from its latest deploy. */
export const releases = sqliteTable(
  "releases",
  {
    id: text("id").primaryKey(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    version: text("version").notNull(),
    status: text("status", { enum: RELEASE_STATUSES }).notNull(),
    ruleName: text("rule_name"),
    commit: text("commit"),
    url: text("url"),
    latestDeployId: text("latest_deploy_id"),
    deployStartedAt: integer("deploy_started_at"),
    deployFinishedAt: integer("deploy_finished_at"),
    baselineStart: integer("baseline_start"),
    baselineEnd: integer("baseline_end"),
    analysisStart: integer("analysis_start"),
    analysisEnd: integer("analysis_end"),
    nextCheckAt: integer("next_check_at"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    score: real("score"),
    summary: text("summary"),
    verdict: text("verdict", { mode: "json" }),
    decidedAt: integer("decided_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("releases_identity").on(t.service, t.environment, t.version),
    index("releases_due").on(t.status, t.nextCheckAt),
    index("releases_by_service").on(t.service, t.environment, t.createdAt),
  ],
);

export type ReleaseRow = typeof releases.$inferSelect;
