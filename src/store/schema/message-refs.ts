import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Where a release's message sits in a chat (Slack: "channel id:ts"), so later states edit it instead of posting again. */
export const messageRefs = sqliteTable(
  "message_refs",
  {
    releaseId: text("release_id").notNull(),
    channel: text("channel").notNull(),
    target: text("target").notNull(),
    ref: text("ref").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.channel, t.target] })],
);
