import { inArray } from "drizzle-orm";
import { releases, type ReleaseRow } from "../store/schema/index.ts";
import type { Statement, Store } from "../store/store.ts";

/**
 * How long a claimed release is left to its replica: longer than one evaluation run can take, every outside read
 * timing out on every retry (twice over), plus the judging and the write. Past it another replica judges the release.
 */
export function claimLeaseMs(sourceTimeoutMs: number, sourceRetries: number): number {
  return 2 * sourceTimeoutMs * (sourceRetries + 1) + 20_000;
}

/**
 * Due releases are claimed, not just read: one statement moves their next check past a lease, so replicas running the
 * scheduler together each take different rows (SKIP LOCKED passes over rows another replica is claiming rather than
 * waiting for it, as pg-boss and graphile-worker fetch jobs), and a replica that dies mid-evaluation hands its releases
 * over when the lease runs out. The evaluation then records the real next look. SQLite has one writer: no clause.
 */
export class ReleaseClaims {
  private readonly claim: Statement<{ id: string }>;
  private claimed = 0;

  constructor(
    private readonly store: Store,
    private readonly leaseMs: number,
  ) {
    this.claim = store.statement(`UPDATE releases SET next_check_at = ? WHERE id IN (SELECT id FROM releases
      WHERE status = 'analyzing' AND next_check_at <= ? ORDER BY next_check_at LIMIT ?${store.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : ""})
      RETURNING id`);
  }

  /** Claims up to `limit` due releases (committed before `work` starts) and hands `work` their rows as claimed. */
  async withClaimed<T>(now: number, limit: number, work: (due: ReleaseRow[]) => Promise<T>): Promise<T> {
    const ids = (await this.store.write(() => this.claim.all(now + this.leaseMs, now, limit))).map((r) => r.id);
    this.claimed += ids.length;
    try {
      const due = ids.length === 0 ? [] : await this.store.db.select().from(releases).where(inArray(releases.id, ids));
      return await work(due.sort((a, b) => a.id.localeCompare(b.id)));
    } finally {
      this.claimed -= ids.length;
    }
  }

  /** Releases this replica has claimed and not finished judging (/readyz). */
  get inFlight(): number {
    return this.claimed;
  }
}
