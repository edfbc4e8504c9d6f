import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const PROTECTION_STATES = ["approved", "rejected"] as const;
export const ANSWER_DELIVERIES = ["pending", "sent", "failed"] as const;

/** Answers to GitHub deployment protection rules: the decision, and its delivery to the callback URL with retries. */
export const githubProtectionAnswers = sqliteTable(
  "github_protection_answers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deploymentId: integer("deployment_id").notNull(),
    callbackUrl: text("callback_url").notNull().unique(),
    service: text("service").notNull(),
    environment: text("environment").notNull(),
    state: text("state", { enum: PROTECTION_STATES }).notNull(),
    comment: text("comment").notNull(),
    delivery: text("delivery", { enum: ANSWER_DELIVERIES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    requestedAt: integer("requested_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("github_protection_answers_due").on(t.delivery, t.nextAttemptAt)],
);

export type GithubProtectionAnswerRow = typeof githubProtectionAnswers.$inferSelect;
