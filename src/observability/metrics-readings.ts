import type { Statement, Store } from "../store/store.ts";

/** What the gauges read from the database at scrape time: the same on every replica sharing it. */
export interface Readings {
  held(): Promise<{ count: number; oldestAt: number | null }>;
  analyzing(): Promise<number>;
  pendingByChannel(): Promise<Map<string, number>>;
}

/**
 * The gate answers hold while the engine held the release and no person has approved or rolled it back, or while a
 * person's hold is in force (release-wide decisions, as decision-store.ts reads them). A hold that a newer release
 * of the same service replaced awaits nobody. release_decisions is scanned for holds: people write it, so it stays small.
 */
const HELD = `WITH candidates AS (
    SELECT r.id, r.status, r.decided_at AS engine_at,
      (SELECT d.id FROM release_decisions d WHERE d.release_id = r.id AND d.batch_index IS NULL
        AND d.action IN ('approve', 'hold', 'rollback', 'retry') ORDER BY d.id DESC LIMIT 1) AS last_id
    FROM releases r
    WHERE (r.status = 'hold' OR r.id IN (SELECT release_id FROM release_decisions WHERE action = 'hold' AND batch_index IS NULL))
      AND NOT EXISTS (SELECT 1 FROM releases n WHERE n.service = r.service AND n.environment = r.environment AND n.created_at > r.created_at)
  )
  SELECT count(*) AS n, min(CASE WHEN c.status = 'hold' THEN coalesce(c.engine_at, d.decided_at) ELSE d.decided_at END) AS since
  FROM candidates c LEFT JOIN release_decisions d ON d.id = c.last_id
  WHERE coalesce(CASE WHEN d.action = 'retry' THEN NULL ELSE d.action END, c.status) = 'hold'`;

type Count = { n: number | string };

/** One statement per gauge, each on an index (releases_due, notifications_due). */
export class StoreReadings implements Readings {
  private readonly s: { held: Statement<Count & { since: number | string | null }>; analyzing: Statement<Count>; pending: Statement<Count & { channel: string }> };

  constructor(store: Store) {
    this.s = {
      held: store.statement(HELD),
      analyzing: store.statement("SELECT count(*) AS n FROM releases WHERE status = 'analyzing'"),
      pending: store.statement("SELECT channel, count(*) AS n FROM notifications WHERE status = 'pending' GROUP BY channel"),
    };
  }

  async held(): Promise<{ count: number; oldestAt: number | null }> {
    const row = await this.s.held.get();
    return { count: Number(row?.n ?? 0), oldestAt: row?.since == null ? null : Number(row.since) };
  }

  async analyzing(): Promise<number> {
    return Number((await this.s.analyzing.get())?.n ?? 0);
  }

  async pendingByChannel(): Promise<Map<string, number>> {
    return new Map((await this.s.pending.all()).map((r) => [r.channel, Number(r.n)]));
  }
}
