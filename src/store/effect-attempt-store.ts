import { randomUUID } from "node:crypto";
import type { AttemptStatus, EffectAttemptRow } from "./schema/index.ts";
import type { Statement, Store } from "./store.ts";

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
  private readonly s: Record<"next" | "insert" | "finish" | "open" | "markUnknown" | "unknownOf" | "ofSubject", Statement<unknown>>;

  constructor(private readonly store: Store) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      next: p("SELECT COALESCE(MAX(attempt), 0) + 1 AS n FROM effect_attempts WHERE effect = ? AND subject = ?"),
      // RETURNING gives the new row's id on both engines (the Store has no lastInsertRowid).
      insert: p(`INSERT INTO effect_attempts (effect, subject, attempt, status, idempotency_key, runner, started_at)
        VALUES (?, ?, ?, 'started', ?, ?, ?) RETURNING id`),
      finish: p("UPDATE effect_attempts SET status = ?, finished_at = ?, detail = ? WHERE id = ? AND status = 'started'"),
      open: p(`SELECT id, subject, attempt, idempotency_key AS idempotencyKey, started_at AS startedAt FROM effect_attempts
        WHERE effect = ? AND status = 'started' AND runner <> ? ORDER BY id`),
      markUnknown: p("UPDATE effect_attempts SET status = 'unknown', detail = ? WHERE id = ? AND status = 'started'"),
      unknownOf: p("SELECT MIN(started_at) AS since FROM effect_attempts WHERE effect = ? AND subject = ? AND status = 'unknown'"),
      ofSubject: p("SELECT * FROM effect_attempts WHERE effect = ? AND subject = ? ORDER BY attempt"),
    };
  }

  /**
   * Records an attempt as started and resolves once it is committed; inside the write that claims the work it joins
   * that write's transaction, so the claim and the record commit together before the call goes out.
   */
  start(effect: Effect, subject: string, idempotencyKey: string, now: number): Promise<{ id: number; attempt: number }> {
    return this.store.write(async () => {
      const { n } = (await this.s.next.get(effect, subject)) as { n: number };
      const { id } = (await this.s.insert.get(effect, subject, n, idempotencyKey, this.runner, now)) as { id: number };
      return { id: Number(id), attempt: n };
    });
  }

  async finish(id: number, status: Exclude<AttemptStatus, "started" | "unknown">, detail: string | null, now: number): Promise<void> {
    await this.store.write(() => this.s.finish.run(status, now, detail, id));
  }

  /** Attempts a dead process left 'started', now marked 'unknown'; each is returned once. */
  orphans(effect: Effect): Promise<OrphanedAttempt[]> {
    return this.store.write(async () => {
      const rows = (await this.s.open.all(effect, this.runner)) as OrphanedAttempt[];
      for (const r of rows) await this.s.markUnknown.run("the process stopped while this attempt ran", r.id);
      return rows;
    });
  }

  /** When the first attempt of unknown fate started, if any: a retry must find out what it did before acting again. */
  async unknownSince(effect: Effect, subject: string): Promise<number | undefined> {
    return ((await this.s.unknownOf.get(effect, subject)) as { since: number | null }).since ?? undefined;
  }

  async ofSubject(effect: Effect, subject: string): Promise<EffectAttemptRow[]> {
    return ((await this.s.ofSubject.all(effect, subject)) as Record<string, unknown>[]).map((r) => ({
      id: r.id as number, effect: r.effect as Effect, subject: r.subject as string, attempt: r.attempt as number, status: r.status as AttemptStatus,
      idempotencyKey: r.idempotency_key as string, runner: r.runner as string, startedAt: r.started_at as number,
      finishedAt: (r.finished_at as number | null) ?? null, detail: (r.detail as string | null) ?? null,
    }));
  }
}
