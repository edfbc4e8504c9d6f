/**
 * CPU time spent by the PostgreSQL server for one database: its backends plus the server's background processes
 * (WAL writer, checkpointer, background writer…), read from /proc (utime + stime) — the half of a lifecycle's cost
 * that process.cpuUsage() in the replica cannot see. Linux only; the server must run on this machine. Background
 * processes serve every database, so measure on an otherwise idle server.
 */
import pg from "pg";
import { processCpuMs } from "./proc-stat.ts";

export type PgCpuSnapshot = Map<number, number>;

export async function pgCpuSnapshot(adminUrl: string, database: string): Promise<PgCpuSnapshot> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR datname IS NULL) AND pid <> pg_backend_pid()", [database]);
    const snapshot: PgCpuSnapshot = new Map();
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) snapshot.set(pid, ms);
    }
    return snapshot;
  } finally {
    await c.end();
  }
}

/** CPU milliseconds between two snapshots; a process that appeared in between counts whole. */
export function pgCpuBetween(before: PgCpuSnapshot, after: PgCpuSnapshot): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}
