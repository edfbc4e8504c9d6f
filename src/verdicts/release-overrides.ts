import type { Statement, Store } from "../store/store.ts";

export interface SkippedSignal {
  by: string;
  at: string;
}

/** Reads and appends operators' changes to how a release is judged: skipped signals and retries (release_overrides). */
export class ReleaseOverrides {
  private readonly s: Record<"overrides" | "insert" | "receivedAt" | "lastMinute", Statement<Record<string, unknown>>>;

  constructor(store: Store) {
    const p = (sql: string) => store.statement(sql);
    this.s = {
      overrides: p(`SELECT kind, signal, actor, created_at AS "createdAt" FROM release_overrides
        WHERE release_id = ? AND kind IN ('retry', 'skip_signal') ORDER BY id`),
      insert: p("INSERT INTO release_overrides (release_id, kind, signal, actor, window_start, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
      receivedAt: p(`SELECT timestamp, received_at AS "receivedAt" FROM deploy_events WHERE release_id = ? AND deploy_id = ? AND phase = 'finished'
        ORDER BY received_at DESC LIMIT 1`),
      // Requests or metrics: a rule of metric signals waits for its metrics. Asked only for replayed deploys (rare).
      lastMinute: p(`SELECT max(minute) AS minute FROM (SELECT max(minute) AS minute FROM request_rollups WHERE service = ? AND environment = ? AND minute >= ?
        UNION ALL SELECT max(minute) FROM metric_rollups WHERE service = ? AND environment = ? AND minute >= ?) AS latest`),
    };
  }

  /** Retries and skipped signals in one read. */
  async read(releaseId: string): Promise<{ retries: number; skipped: Map<string, SkippedSignal> }> {
    const rows = (await this.s.overrides.all(releaseId)) as { kind: string; signal: string | null; actor: string | null; createdAt: number }[];
    return {
      retries: rows.filter((r) => r.kind === "retry").length,
      skipped: new Map(rows.filter((r) => r.kind === "skip_signal").map((r) => [r.signal!, { by: r.actor ?? "an operator", at: new Date(r.createdAt).toISOString() }])),
    };
  }

  async skipped(releaseId: string): Promise<Map<string, SkippedSignal>> {
    return (await this.read(releaseId)).skipped;
  }

  async addSkip(releaseId: string, signal: string, actor: string, now: number): Promise<void> {
    await this.s.insert.run(releaseId, "skip_signal", signal, actor, null, now);
  }

  async addRetry(releaseId: string, windowStart: number, now: number): Promise<void> {
    await this.s.insert.run(releaseId, "retry", null, null, windowStart, now);
  }

  /** When the deploy's finish was received, and the time it says it happened (a replay receives it long after). */
  async finishReceived(releaseId: string, deployId: string | null): Promise<{ timestamp: number; receivedAt: number } | undefined> {
    return deployId === null ? undefined : ((await this.s.receivedAt.get(releaseId, deployId)) as { timestamp: number; receivedAt: number } | undefined);
  }

  /** The last minute with stored requests of the service since `from`, or undefined when none has arrived. */
  async lastStoredMinute(service: string, environment: string, from: number): Promise<number | undefined> {
    return ((await this.s.lastMinute.get(service, environment, from, service, environment, from)) as { minute: number | null }).minute ?? undefined;
  }
}
