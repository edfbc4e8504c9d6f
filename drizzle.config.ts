import { defineConfig } from "drizzle-kit";

// SQLite, the embedded default. PostgreSQL: drizzle.postgres.config.ts. `npm run db:generate` writes both.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema/index.ts",
  out: "./migrations/sqlite",
});
