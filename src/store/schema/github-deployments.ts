import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The GitHub deployment behind a deploy, so verdicts can be posted back as its statuses. */
export const githubDeployments = sqliteTable("github_deployments", {
  deploymentId: integer("deployment_id").primaryKey(),
  owner: text("owner").notNull(),
  repo: text("repo").notNull(),
  environment: text("environment").notNull(),
  deployId: text("deploy_id").notNull(),
  // The release status last queued as a deployment status; a change queues the next one.
  postedStatus: text("posted_status"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
