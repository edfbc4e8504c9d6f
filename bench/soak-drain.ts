import Database from "better-sqlite3";

export interface DrainResult {
  drained: boolean;
  seconds: number;
  /** What was still to do when the drain ended: "alert verdict", "alert digest", "rollback pending", "rollback running". */
  pending: Record<string, number>;
}

/**
 * Waits until the server has nothing left to deliver or run: no pending alert or digest (a digest is due when its
 * throttle window closes) and no pending or running rollback (an attempt cut off by the last kill stays 'running'
 * until the restarted runner marks it unknown). Reads the database only; gives up at the cap and says what was left.
 */
export async function waitForDrain(dbPath: string, capMs: number, pollMs = 1000): Promise<DrainResult> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const left = db.prepare(`SELECT 'alert ' || kind AS what, COUNT(*) AS n FROM notifications WHERE status = 'pending' GROUP BY kind
    UNION ALL SELECT 'rollback ' || status, COUNT(*) FROM rollbacks WHERE status IN ('pending', 'running') GROUP BY status`);
  const t0 = Date.now();
  try {
    for (;;) {
      const pending = Object.fromEntries((left.all() as { what: string; n: number }[]).map((r) => [r.what, r.n]));
      const seconds = Math.round((Date.now() - t0) / 100) / 10;
      if (Object.keys(pending).length === 0) return { drained: true, seconds, pending };
      if (Date.now() - t0 >= capMs) return { drained: false, seconds, pending };
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    db.close();
  }
}
