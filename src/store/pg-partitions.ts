import type { Store } from "./store.ts";

const DAY = 24 * 3600_000;
/** The raw telemetry tables partitioned by day on `ts` (migrations/postgres/0004_raw_telemetry_partitioned_by_day.sql). */
export const PARTITIONED = ["log_events", "metric_samples"] as const;
const DAYS_AHEAD = 2;

const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;
const partitionName = (table: string, day: number) => `${table}_p${new Date(day).toISOString().slice(0, 10).replaceAll("-", "")}`;

interface PartitionRow {
  name: string;
  bound: string;
}

/**
 * Keeps the daily partitions of raw telemetry on PostgreSQL: today's and the next DAYS_AHEAD days' exist before their
 * rows arrive (rows for any other day go to the DEFAULT partition, so nothing is refused), and days wholly older than
 * `dropBefore` are dropped whole — retention without deleting rows one by one. A no-op on SQLite. Returns the days
 * dropped. Safe on several replicas at once: IF NOT EXISTS / IF EXISTS, and a lost race is just an error retried next run.
 */
export async function maintainPartitions(store: Store, now: number, dropBefore?: number): Promise<number> {
  if (store.dialect !== "postgres") return 0;
  let dropped = 0;
  for (const table of PARTITIONED) {
    for (let d = 0; d <= DAYS_AHEAD; d++) {
      const day = dayStart(now) + d * DAY;
      const name = partitionName(table, day);
      // A day already holding rows in the DEFAULT partition cannot be split off; those rows stay in DEFAULT.
      await store.statement(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${table}" FOR VALUES FROM (${day}) TO (${day + DAY})`).run()
        .catch(() => undefined);
    }
    if (dropBefore === undefined) continue;
    const parts = await store.statement<PartitionRow>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ?`,
    ).all(table);
    for (const part of parts) {
      const to = /TO \('?(\d+)'?\)/.exec(part.bound)?.[1];
      if (to === undefined || Number(to) > dropBefore) continue;
      await store.statement(`DROP TABLE IF EXISTS "${part.name}"`).run();
      dropped++;
    }
  }
  return dropped;
}
