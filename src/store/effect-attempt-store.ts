import { randomUUID } from "node:crypto";
import type { AttemptStatus, EffectAttemptRow } from "./schema/index.ts";
import type { Statement, Store } from "./store.ts";

export type Effect = EffectAttemptRow["effect"];

/** For a caller that names no lease: longer than any alert delivery's timeouts and retries. */
export const DEFAULT_LEASE_MS = 2 * 60_000;

export interface OrphanedAttempt {
  id: number;
  subject: string;
  attempt: number;
  idempotencyKey: string;
  startedAt: number;
}

/**
 * Attempt records of outside side effects. start() commits a 'started' row before the call goes out. An attempt
 * still 'started' that belongs to no live process was cut off by a crash, and orphans() turns it 'unknown'.
 * Which attempts are dead: on SQLite (one process owns the file) every other runner's. On PostgreSQL another replica
 * may be running it now, so each attempt carries a lease of its longest possible run (the call's own timeout plus a
 * margin, as graphile-worker's lock timeout): past it, or under a runner id its own replica has since restarted with,
 * it is dead. No heartbeat to write, and a replica that hangs past its own timeout is treated as dead — the safe side.
 */
export class EffectAttemptStore {
  /** This process's id (its replica's, then this start's): rows it started are its own in-flight attempts, not orphans. */
  readonly runner: string;
  private readonly replicaPrefix: string;
  private running = 0;
  private readonly s: Record<"next" | "insert" | "finish" | "open" | "markUnknown" | "unknownOf" | "ofSubject", Statement<unknown>>;

  constructor(private readonly store: Store, replicaId = String(process.pid)) {
    this.replicaPrefix = `${replicaId}/`;
    this.runner = `${this.replicaPrefix}${randomUUID().slice(0, 8)}`;
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      next: p("SELECT COALESCE(MAX(attempt), 0) + 1 AS n FROM effect_attempts WHERE effect = ? AND subject = ?"),
      // RETURNING gives the new row's id on both engines (the Store has no lastInsertRowid).
      insert: p(`INSERT INTO effect_attempts (effect, subject, attempt, status, idempotency_key, runner, started_at, lease_until)
        VALUES (?, ?, ?, 'started', ?, ?, ?, ?) RETURNING id`),
      finish: p("UPDATE effect_attempts SET status = ?, finished_at = ?, detail = ? WHERE id = ? AND status = 'started'"),
      open: p(`SELECT id, subject, attempt, idempotency_key AS "idempotencyKey", started_at AS "startedAt" FROM effect_attempts
        WHERE effect = ? AND status = 'started' AND runner <> ?${store.dialect === "sqlite" ? "" : " AND (lease_until IS NULL OR lease_until <= ? OR substr(runner, 1, ?) = ?)"}
        ORDER BY id${store.dialect === "sqlite" ? "" : " FOR UPDATE SKIP LOCKED"}`),
      markUnknown: p("UPDATE effect_attempts SET status = 'unknown', detail = ? WHERE id = ? AND status = 'started'"),
      unknownOf: p("SELECT MIN(started_at) AS since FROM effect_attempts WHERE effect = ? AND subject = ? AND status = 'unknown'"),
      ofSubject: p("SELECT * FROM effect_attempts WHERE effect = ? AND subject = ? ORDER BY attempt"),
    };
  }

  /**
   * Records an attempt as started and resolves once it is committed; inside the write that claims the work it joins
   * that write's transaction, so the claim and the record commit together before the call goes out.
   */
  start(effect: Effect, subject: string, idempotencyKey: string, now: number, leaseMs = DEFAULT_LEASE_MS): Promise<{ id: number; attempt: number }> {
    return this.store.write(async () => {
      const { n } = (await this.s.next.get(effect, subject)) as { n: number };
      const { id } = (await this.s.insert.get(effect, subject, n, idempotencyKey, this.runner, now, now + leaseMs)) as { id: number };
      this.store.afterCommit(() => void this.running++);
      return { id: Number(id), attempt: n };
    });
  }

  async finish(id: number, status: Exclude<AttemptStatus, "started" | "unknown">, detail: string | null, now: number): Promise<void> {
    await this.store.write(() => this.s.finish.run(status, now, detail, id));
    this.running = Math.max(0, this.running - 1);
  }

  /** Attempts this process started that have not finished: its share of the side effects in flight (/readyz). */
  get inFlight(): number {
    return this.running;
  }

  /** Attempts a dead process left 'started', now marked 'unknown'; each is returned once, to one replica. */
  orphans(effect: Effect, now = Date.now()): Promise<OrphanedAttempt[]> {
    return this.store.write(async () => {
      const params = this.store.dialect === "sqlite" ? [effect, this.runner] : [effect, this.runner, now, this.replicaPrefix.length, this.replicaPrefix];
      const rows = (await this.s.open.all(...params)) as OrphanedAttempt[];
      const marked: OrphanedAttempt[] = [];
      for (const r of rows) {
        if ((await this.s.markUnknown.run("the process stopped while this attempt ran", r.id)) === 1) marked.push({ ...r, id: Number(r.id), startedAt: Number(r.startedAt) });
      }
      return marked;
    });
  }

  /** When the first attempt of unknown fate started, if any: a retry must find out what it did before acting again. */
  async unknownSince(effect: Effect, subject: string): Promise<number | undefined> {
    return ((await this.s.unknownOf.get(effect, subject)) as { since: number | null }).since ?? undefined;
  }

  async ofSubject(effect: Effect, subject: string): Promise<EffectAttemptRow[]> {
    return ((await this.s.ofSubject.all(effect, subject)) as Record<string, unknown>[]).map((r) => ({
      id: r.id as number, effect: r.effect as Effect, subject: r.subject as string, attempt: r.attempt as number, status: r.status as AttemptStatus,
      idempotencyKey: r.idempotency_key as string, runner: r.runner as string, startedAt: r.started_at as number, leaseUntil: (r.lease_until as number | null) ?? null,
      finishedAt: (r.finished_at as number | null) ?? null, detail: (r.detail as string | null) ?? null,
    }));
  }
}
