import { defineConfig } from "drizzle-kit";

// The PostgreSQL tables are derived from the SQLite schema (src/store/pg-schema.ts), so one change yields both migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/pg-schema.ts",
  out: "./migrations/postgres",
});
