import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per singleton job (capacity refits, telemetry prune, GitHub sync): the replica that may run it until
 * `expires_at`. Taken with one upsert that wins only when the lease has expired or is already the taker's.
 */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
});
