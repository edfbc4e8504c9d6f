import { randomUUID } from "node:crypto";
import type { Statement } from "better-sqlite3";
import type { Db } from "./db.ts";
import type { AttemptStatus, EffectAttemptRow } from "./schema/index.ts";

export type Effect = EffectAttemptRow["effect"];

export interface OrphanedAttempt {
  id: number;
  subject: string;
  attempt: number;
  idempotencyKey: string;
  startedAt: number;
}

/**
 * Attempt records of outside side effects. start() commits a 'started' row before the call goes out; an attempt
 * still 'started' under another runner id was cut off by a crash, and orphans() turns it 'unknown'.
 */
export class EffectAttemptStore {
  /** This process's id: rows it started are its own in-flight attempts, not orphans. */
  readonly runner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly s: Record<"next" | "insert" | "finish" | "open" | "markUnknown" | "unknownOf" | "ofSubject", Statement>;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      next: p("SELECT COALESCE(MAX(attempt), 0) + 1 AS n FROM effect_attempts WHERE effect = ? AND subject = ?"),
      insert: p(`INSERT INTO effect_attempts (effect, subject, attempt, status, idempotency_key, runner, started_at)
        VALUES (?, ?, ?, 'started', ?, ?, ?)`),
      finish: p("UPDATE effect_attempts SET status = ?, finished_at = ?, detail = ? WHERE id = ? AND status = 'started'"),
      open: p(`SELECT id, subject, attempt, idempotency_key AS idempotencyKey, started_at AS startedAt FROM effect_attempts
        WHERE effect = ? AND status = 'started' AND runner <> ? ORDER BY id`),
      markUnknown: p("UPDATE effect_attempts SET status = 'unknown', detail = ? WHERE id = ? AND status = 'started'"),
      unknownOf: p("SELECT MIN(started_at) AS since FROM effect_attempts WHERE effect = ? AND subject = ? AND status = 'unknown'"),
      ofSubject: p("SELECT * FROM effect_attempts WHERE effect = ? AND subject = ? ORDER BY attempt"),
    };
  }

  /** Records an attempt as started; run it inside the transaction that claims the work, or alone (autocommit). */
  start(effect: Effect, subject: string, idempotencyKey: string, now: number): { id: number; attempt: number } {
    const { n } = this.s.next.get(effect, subject) as { n: number };
    const id = Number(this.s.insert.run(effect, subject, n, idempotencyKey, this.runner, now).lastInsertRowid);
    return { id, attempt: n };
  }

  finish(id: number, status: Exclude<AttemptStatus, "started" | "unknown">, detail: string | null, now: number): void {
    this.s.finish.run(status, now, detail, id);
  }

  /** Attempts a dead process left 'started', now marked 'unknown'; each is returned once. */
  orphans(effect: Effect): OrphanedAttempt[] {
    return this.db.$client.transaction(() => {
      const rows = this.s.open.all(effect, this.runner) as OrphanedAttempt[];
      for (const r of rows) this.s.markUnknown.run("the process stopped while this attempt ran", r.id);
      return rows;
    })();
  }

  /** When the first attempt of unknown fate started, if any: a retry must find out what it did before acting again. */
  unknownSince(effect: Effect, subject: string): number | undefined {
    return (this.s.unknownOf.get(effect, subject) as { since: number | null }).since ?? undefined;
  }

  ofSubject(effect: Effect, subject: string): EffectAttemptRow[] {
    return (this.s.ofSubject.all(effect, subject) as Record<string, unknown>[]).map((r) => ({
      id: r.id as number, effect: r.effect as Effect, subject: r.subject as string, attempt: r.attempt as number, status: r.status as AttemptStatus,
      idempotencyKey: r.idempotency_key as string, runner: r.runner as string, startedAt: r.started_at as number,
      finishedAt: (r.finished_at as number | null) ?? null, detail: (r.detail as string | null) ?? null,
    }));
  }
}
