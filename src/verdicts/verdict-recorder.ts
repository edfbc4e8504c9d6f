import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { FinalVerdict, FinalVerdictStage, RecordedVerdict, ReleaseIdentity, Verdict, VerdictReaction, VerdictStatus } from "./verdict-types.ts";

export type { FinalVerdictHook, ReleaseIdentity } from "./verdict-types.ts";

type InTransaction = Extract<VerdictReaction, { runs: "in-transaction" }>;
type AfterCommit = Extract<VerdictReaction, { runs: "after-commit" }>;

/** What the composition root gives the recorder (src/container.ts); none of it is required. */
export interface RecorderWiring {
  /** Applied in order to a final verdict before it is stored, so it is stored once, complete. */
  stages?: readonly FinalVerdictStage[];
  /** Run in order after each verdict is stored. */
  reactions?: readonly VerdictReaction[];
  /** An after-commit reaction that failed; it never reaches the verdict. */
  onReactionError?: (reaction: string, err: unknown) => void;
}

/**
 * Stores verdicts with their release, then runs the reactions wired to it. Callers run it inside their transaction:
 * in-transaction reactions (alerts queued, rollback requested) are stored with the verdict or not at all.
 */
export class VerdictRecorder {
  private readonly s: Record<"evaluation" | "stored" | "interim" | "final" | "outcome", Statement>;
  private readonly stages: readonly FinalVerdictStage[];
  private readonly now: InTransaction[];
  private readonly later: AfterCommit[];
  private readonly onReactionError: (reaction: string, err: unknown) => void;

  constructor(db: Db, wiring: RecorderWiring = {}) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      evaluation: p("INSERT INTO evaluations (release_id, kind, evaluated_at, status, score, result) VALUES (?, ?, ?, ?, ?, ?)"),
      stored: p("SELECT 1 FROM evaluations WHERE rowid = ?"),
      interim: p("UPDATE releases SET verdict = ?, score = ?, summary = ?, consecutive_failures = ?, next_check_at = ?, updated_at = ? WHERE id = ?"),
      final: p("UPDATE releases SET status = ?, verdict = ?, score = ?, summary = ?, decided_at = ?, next_check_at = NULL, updated_at = ? WHERE id = ?"),
      outcome: p("UPDATE releases SET status = ?, summary = ?, score = NULL, decided_at = ?, next_check_at = NULL, updated_at = ? WHERE id = ?"),
    };
    this.stages = wiring.stages ?? [];
    const reactions = wiring.reactions ?? [];
    this.now = reactions.filter((r): r is InTransaction => r.runs === "in-transaction");
    this.later = reactions.filter((r): r is AfterCommit => r.runs === "after-commit");
    this.onReactionError = wiring.onReactionError ?? (() => {});
  }

  /** `changed`: whether the interim status differs from the last one; after-commit reactions use it to skip repeats. */
  recordInterim(release: ReleaseIdentity, verdict: Verdict, failures: number, nextCheckAt: number, now: number, changed = true): void {
    const json = JSON.stringify(verdict);
    const row = this.s.evaluation.run(release.id, "interim", now, verdict.status, verdict.score, json).lastInsertRowid;
    this.s.interim.run(json, verdict.score, verdict.summary, failures, nextCheckAt, now, release.id);
    this.react({ kind: "interim", release, verdict, rule: undefined, changed, now }, row);
  }

  /** Completes the verdict (capacity…), stores it and reacts; returns the verdict as stored. */
  recordFinal(release: ReleaseIdentity, judged: FinalVerdict, rule: Rule, now: number): FinalVerdict {
    const verdict = this.stages.reduce((v, stage) => stage.complete(release, v, rule), judged);
    const json = JSON.stringify(verdict);
    const row = this.s.evaluation.run(release.id, "final", now, verdict.status, verdict.score, json).lastInsertRowid;
    this.s.final.run(verdict.status, json, verdict.score, verdict.summary, now, now, release.id);
    this.react({ kind: "final", release, verdict, rule, changed: true, now }, row);
    return verdict;
  }

  /** A batch's verdict in a rolling deploy: stored by the batch service; reacted to at once, so on-call hears of a bad batch. */
  recordBatch(release: ReleaseIdentity, verdict: FinalVerdict, rule: Rule, now: number): void {
    this.react({ kind: "batch", release, verdict, rule, changed: true, now }, undefined);
  }

  /** An outcome reported by the deploy tool itself (failed, rolled back): final, with no statistics. */
  recordOutcome(release: ReleaseIdentity, status: VerdictStatus, summary: string, now: number): void {
    const verdict = { status, score: null, summary, checks: [] };
    const row = this.s.evaluation.run(release.id, "final", now, status, null, JSON.stringify(verdict)).lastInsertRowid;
    this.s.outcome.run(status, summary, now, now, release.id);
    this.react({ kind: "outcome", release, verdict, rule: undefined, changed: true, now }, row);
  }

  /** `row`: the evaluation just written; after-commit reactions run only once it is committed, never for a rolled-back one. */
  private react(v: RecordedVerdict, row: number | bigint | undefined): void {
    for (const r of this.now) r.react(v);
    if (this.later.length === 0) return;
    // A microtask runs once the caller's synchronous transaction has committed or rolled back.
    queueMicrotask(() => {
      if (row !== undefined && !this.s.stored.get(row)) return;
      for (const r of this.later) void r.react(v).catch((err: unknown) => this.onReactionError(r.name, err));
    });
  }
}
