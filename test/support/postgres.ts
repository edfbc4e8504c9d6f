import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migratePostgres } from "../../src/store/pg-store.ts";

/**
 * PostgreSQL for tests: DEPLOY_GUARD_TEST_POSTGRES names a role allowed to create databases, e.g.
 * postgres://deploy_guard:deploy_guard@127.0.0.1:5432/postgres (.ci/run creates it after `pg_ctlcluster 15 main start`).
 * Unset or unreachable: the PostgreSQL tests skip at collection and say why.
 */
export const PG_ADMIN_URL = process.env.DEPLOY_GUARD_TEST_POSTGRES;

function psql(url: string, sql: string): string {
  return execFileSync("psql", [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
}

function reachable(): string | undefined {
  if (!PG_ADMIN_URL) return "DEPLOY_GUARD_TEST_POSTGRES is not set";
  try {
    psql(PG_ADMIN_URL, "SELECT 1");
    return undefined;
  } catch (err) {
    return `PostgreSQL at DEPLOY_GUARD_TEST_POSTGRES is not reachable: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export const PG_SKIP_REASON = reachable();
if (PG_SKIP_REASON) console.warn(`PostgreSQL tests skipped: ${PG_SKIP_REASON}`);

export function dbUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, empty database (no tables); dropped by dropDatabase. */
export function createDatabase(prefix = "dg_test"): string {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  psql(PG_ADMIN_URL!, `CREATE DATABASE ${name}`);
  return name;
}

let template: string | undefined = process.env.DEPLOY_GUARD_TEST_PG_TEMPLATE;

/** The template's name follows the migrations, so a changed migration gets a new template and an old one is reused. */
function templateName(): string {
  const dir = fileURLToPath(new URL("../../migrations/postgres", import.meta.url));
  const hash = createHash("sha256");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return `dg_template_${hash.digest("hex").slice(0, 12)}`;
}

/** Builds the migrated template once (workers that start together take an advisory lock) and names it. */
export async function createMigratedTemplate(): Promise<string> {
  if (template) return template;
  const name = templateName();
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${name}`);
      const pool = new pg.Pool({ connectionString: dbUrl(name), max: 1 });
      try {
        await migratePostgres(pool);
      } catch (err) {
        await pool.end();
        await admin.query(`DROP DATABASE ${name}`);
        throw err;
      }
      await pool.end();
    }
  } finally {
    await admin.end();
  }
  template = name;
  return name;
}

// Databases of this test run share a prefix, so the run's teardown can drop any a crashed worker left behind.
const RUN = process.env.DEPLOY_GUARD_TEST_PG_RUN ?? (process.env.DEPLOY_GUARD_TEST_PG_RUN = randomBytes(4).toString("hex"));

/** A new database copied from the migrated template (about 10× faster than migrating), synchronously. */
export function cloneTemplate(): string {
  if (!template) throw new Error("no migrated template: call createMigratedTemplate() first (the global setup does)");
  const name = `dg_t_${RUN}_${randomBytes(5).toString("hex")}`;
  psql(PG_ADMIN_URL!, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return name;
}

/** A new database with every migration applied. */
export async function createMigratedDatabase(): Promise<string> {
  await createMigratedTemplate();
  return cloneTemplate();
}

/** Drops every database this run created. */
export function dropRunDatabases(): void {
  const names = psql(PG_ADMIN_URL!, `SELECT datname FROM pg_database WHERE datname LIKE 'dg\\_t\\_${RUN}\\_%'`).split("\n").filter(Boolean);
  for (const n of names) dropDatabase(n);
}

export function dropDatabase(name: string): void {
  try {
    psql(PG_ADMIN_URL!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } catch {
    // Best effort: a database left behind is only disk space on a test server.
  }
}
