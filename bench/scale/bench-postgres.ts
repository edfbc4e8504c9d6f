import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { migratePostgres } from "../../src/store/pg-store.ts";
import { generateTraffic } from "../../test/support/traffic.ts";

/** The PostgreSQL the benchmark uses: BENCH_POSTGRES, else the tests' DEPLOY_GUARD_TEST_POSTGRES, else .ci/run's role. */
export const ADMIN_URL = process.env.BENCH_POSTGRES ?? process.env.DEPLOY_GUARD_TEST_POSTGRES ?? "postgres://deploy_guard:deploy_guard@127.0.0.1:5432/postgres";

async function reachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Starts Debian's PostgreSQL 15 cluster when nothing answers (as .ci/run does); fails with what to do otherwise. */
export async function ensurePostgres(): Promise<void> {
  if (await reachable()) return;
  try {
    execFileSync("pg_ctlcluster", ["15", "main", "start"], { stdio: "ignore" });
  } catch {
    // Not Debian's cluster, or already starting: the check below says what is wrong.
  }
  for (let i = 0; i < 20 && !(await reachable()); i++) await new Promise((r) => setTimeout(r, 500));
  if (!(await reachable())) throw new Error(`no PostgreSQL at ${new URL(ADMIN_URL).host}: start one and set BENCH_POSTGRES=postgres://user:pass@host:port/postgres (a role that may create databases)`);
}

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new empty database; the replicas migrate it as they start. */
export async function freshDatabase(prefix: string): Promise<string> {
  const name = `dg_bench_${prefix}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
}

export async function databaseBytes(name: string): Promise<number> {
  return admin(async (c) => Number((await c.query("SELECT pg_database_size($1) AS n", [name])).rows[0].n));
}

/**
 * The raw insert ceiling: COPY of the same kind of rows into log_events of a migrated database, 10,000 rows a
 * transaction as the service writes them, with the same table and indexes and no roll-ups.
 */
export async function copyCeiling(total: number): Promise<number> {
  const name = await freshDatabase("copy");
  const pool = new pg.Pool({ connectionString: databaseUrl(name), max: 1 });
  try {
    await migratePostgres(pool);
    const events = generateTraffic({ service: "raw", start: Date.now() - 3 * 3600_000, minutes: total / 1000, perMinute: 1000, errorRate: 0.01, latencyMs: 80, seed: 1 });
    const client = await pool.connect();
    const t0 = performance.now();
    let id = 1;
    for (let i = 0; i < events.length; i += 10_000) {
      await client.query("BEGIN");
      const lines = events.slice(i, i + 10_000).map((e) => `${id++}\t${e.timestamp}\t${e.service}\t${e.environment}\t${e.host}\t\\N\t\\N\t${e.status}\t${e.latency_ms}\t${e.route}\t\\N\t${e.status >= 500 ? 1 : 0}\n`);
      await pipeline(Readable.from(lines), client.query(copyFrom("COPY log_events (id, ts, service, environment, host, version, level, status, latency_ms, route, message, is_error) FROM STDIN")));
      await client.query("COMMIT");
    }
    const rate = total / ((performance.now() - t0) / 1000);
    client.release();
    return rate;
  } finally {
    await pool.end();
    await dropDatabase(name);
  }
}
