import { createMigratedTemplate, dropRunDatabases, PG_SKIP_REASON } from "./postgres.ts";

/**
 * DEPLOY_GUARD_TEST_STORE=postgres runs every test service on PostgreSQL (a database per service, copied from a
 * template migrated here once) instead of a SQLite file. The template's name reaches the test workers by environment.
 */
export async function setup(): Promise<void> {
  if (process.env.DEPLOY_GUARD_TEST_STORE !== "postgres") return;
  if (PG_SKIP_REASON) throw new Error(`DEPLOY_GUARD_TEST_STORE=postgres, but ${PG_SKIP_REASON}`);
  process.env.DEPLOY_GUARD_TEST_PG_TEMPLATE = await createMigratedTemplate();
}

export function teardown(): void {
  if (process.env.DEPLOY_GUARD_TEST_STORE === "postgres") dropRunDatabases();
}
