import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Dashboard sign-ins. The cookie holds a random session id; only its SHA-256 is kept, so a copy of the database
 * signs nobody in. A session dies at its expiry, after an idle spell, on logout, or with the token it was opened with.
 */
export const dashboardSessions = sqliteTable(
  "dashboard_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    tokenId: text("token_id").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("dashboard_sessions_token").on(t.tokenId)],
);
