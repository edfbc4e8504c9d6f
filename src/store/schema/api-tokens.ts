import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const TOKEN_SCOPES = ["admin", "ingest", "backfill", "operator", "read"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** API tokens, stored only as SHA-256 hashes (tokens are random, so a slow hash adds nothing). */
export const apiTokens = sqliteTable("api_tokens", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  scope: text("scope", { enum: TOKEN_SCOPES }).notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: integer("created_at").notNull(),
  /** Globs of the services and environments the token may touch; null means every one. */
  services: text("services", { mode: "json" }).$type<string[]>(),
  environments: text("environments", { mode: "json" }).$type<string[]>(),
  lastUsedAt: integer("last_used_at"),
  /** Kept rather than deleted, so verdicts and audit entries that name the token can still be traced. */
  revokedAt: integer("revoked_at"),
});
