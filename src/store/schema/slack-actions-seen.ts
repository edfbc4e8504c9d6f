import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Slack button presses already handled, kept past the 5-minute signature window so a replayed press is refused. */
export const slackActionsSeen = sqliteTable(
  "slack_actions_seen",
  {
    actionKey: text("action_key").primaryKey(),
    seenAt: integer("seen_at").notNull(),
  },
  (t) => [index("slack_actions_seen_at").on(t.seenAt)],
);
