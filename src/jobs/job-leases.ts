import type { Statement, Store } from "../store/store.ts";

/**
 * Singleton jobs across replicas: a lease row per job name, taken with one upsert that wins only when the lease has
 * expired or is already ours (Unleash's single-instance jobs; pg-boss's singletonKey). Chosen over an advisory lock
 * because a session lock is not held behind PgBouncer in transaction mode, and over SKIP LOCKED because the work is not
 * a row: the lease is. The holder keeps renewing it on each run, so one replica does the job until it dies and
 * another takes over once the lease expires. On SQLite (one process) the same statement simply always wins.
 */
export class JobLeases {
  private readonly take: Statement<{ holder: string }>;
  private readonly mine: Statement<{ name: string; expires_at: number }>;

  constructor(
    private readonly store: Store,
    readonly holder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.take = store.statement(`INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE job_leases.expires_at <= ? OR job_leases.holder = excluded.holder RETURNING holder`);
    this.mine = store.statement("SELECT name, expires_at FROM job_leases WHERE holder = ? AND expires_at > ? ORDER BY name");
  }

  /** Takes or renews the lease on `name` for `ttlMs`; false while another replica holds it. */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const rows = await this.store.write(() => this.take.all(name, this.holder, now + ttlMs, now));
    return rows.length === 1;
  }

  /** The leases this replica holds now, for /readyz. */
  async held(): Promise<string[]> {
    return (await this.mine.all(this.holder, this.now())).map((r) => r.name);
  }
}
