import { AppError } from "../http/app-error.ts";
import type { Statement, Store } from "../store/store.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { FinalVerdict, FinalVerdictStage, RecordedVerdict, ReleaseIdentity, Verdict, VerdictReaction, VerdictStatus } from "./verdict-types.ts";

export type { FinalVerdictHook, ReleaseIdentity } from "./verdict-types.ts";

type InTransaction = Extract<VerdictReaction, { runs: "in-transaction" }>;
type AfterCommitReaction = Extract<VerdictReaction, { runs: "after-commit" }>;

/**
 * A release as it was when judged: `decidedAt` set when a person judges a decided release again; `updatedAt` (when
 * known) as read, so a release changed meanwhile (a deploy event reset it, a person reopened it) refuses the verdict.
 */
export type JudgedRelease = ReleaseIdentity & { decidedAt?: number | null; updatedAt?: number | null };

/**
 * The release was decided meanwhile (by another replica, or a person), or changed since it was read (a new deploy reset
 * it, a person reopened it): this verdict's write must roll back, with no evaluation row, alert or rollback request. A
 * CONFLICT, so a person's "judge now" that loses the race gets a 409.
 */
export class AlreadyDecidedError extends AppError {
  constructor(readonly releaseId: string) {
    super("CONFLICT", `Release '${releaseId}' was decided or changed meanwhile (by another replica, a person or a new deploy); this verdict is not recorded.`);
  }
}

/**
 * The release changed (the scheduler claimed it or recorded a look, or a new deploy arrived) while a forced evaluation
 * read its sources: that judgement is stale. The route judges again; a 409 only if it keeps changing.
 */
export class ReleaseChangedError extends AppError {
  constructor(readonly releaseId: string) {
    super("CONFLICT", "The release changed while its sources were read; ask again.");
  }
}

/**
 * A failed batch fails its release, unless the release was decided meanwhile (another replica's verdict): then the
 * batch's verdict stands on its own. The release's part runs as a nested write, so only it rolls back.
 */
export async function finalOrBatch(store: Store, recorder: VerdictRecorder, release: JudgedRelease, verdict: FinalVerdict, rule: Rule, now: number): Promise<void> {
  try {
    await store.write(() => recorder.recordFinal(release, verdict, rule, now));
  } catch (err) {
    if (!(err instanceof AlreadyDecidedError)) throw err;
    await recorder.recordBatch(release, verdict, rule, now);
  }
}

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
  private readonly s: Record<"interim" | "final" | "outcome", Statement<unknown>>;
  private readonly evaluation: Statement<unknown>;
  private readonly stages: readonly FinalVerdictStage[];
  private readonly now: InTransaction[];
  private readonly later: AfterCommitReaction[];
  private readonly onReactionError: (reaction: string, err: unknown) => void;

  constructor(private readonly store: Store, wiring: RecorderWiring = {}) {
    const p = (sql: string) => store.statement<never>(sql);
    this.evaluation = store.statement("INSERT INTO evaluations (release_id, kind, evaluated_at, status, score, result) VALUES (?, ?, ?, ?, ?, ?)");
    this.s = {
      // Fencing: a verdict changes a release only if it is decided as it was when judged (undecided, for the scheduler),
      // so of two replicas judging one release (a claim whose lease ran out mid-evaluation, a person's "judge now"),
      // the second write changes nothing and is rolled back. A person may still judge a decided release again. Both
      // also need the row as it was read (updated_at): a deploy event that reset the release after it was read, and
      // committed before this write took the row's lock, leaves it undecided too, and the verdict of the window before
      // would otherwise land on the new deploy (a final one: judged again, two final verdicts; an interim one: shown
      // as the new deploy's until its first look).
      interim: p(`UPDATE releases SET verdict = ?, score = ?, summary = ?, consecutive_failures = ?, next_check_at = ?, updated_at = ?
        WHERE id = ? AND decided_at IS NULL AND coalesce(?, updated_at) = updated_at`),
      final: p(`UPDATE releases SET status = ?, verdict = ?, score = ?, summary = ?, decided_at = ?, next_check_at = NULL, updated_at = ?
        WHERE id = ? AND coalesce(decided_at, -1) = ? AND coalesce(?, updated_at) = updated_at`),
      // A deploy tool's outcome also lands on a decided release (a roll-back after a fail), but the same reported event
      // (its summary names phase, tool and time) lands once, however many replicas receive it.
      outcome: p(`UPDATE releases SET status = ?, summary = ?, score = NULL, decided_at = ?, next_check_at = NULL, updated_at = ?
        WHERE id = ? AND (decided_at IS NULL OR summary IS NULL OR summary <> ?)`),
    };
    this.stages = wiring.stages ?? [];
    const reactions = wiring.reactions ?? [];
    this.now = reactions.filter((r): r is InTransaction => r.runs === "in-transaction");
    this.later = reactions.filter((r): r is AfterCommitReaction => r.runs === "after-commit");
    this.onReactionError = wiring.onReactionError ?? (() => {});
  }

  /**
   * `changed`: whether the interim status differs from the last one; after-commit reactions use it to skip repeats.
   * Throws AlreadyDecidedError, before writing anything, when the release is decided (or changed since it was read):
   * the caller's write rolls back.
   */
  async recordInterim(release: JudgedRelease, verdict: Verdict, failures: number, nextCheckAt: number, now: number, changed = true): Promise<void> {
    const json = JSON.stringify(verdict);
    const updatedAt = release.updatedAt ?? null;
    if ((await this.s.interim.run(json, verdict.score, verdict.summary, failures, nextCheckAt, now, release.id, updatedAt)) === 0) throw new AlreadyDecidedError(release.id);
    await this.insertEvaluation(release.id, "interim", now, verdict.status, verdict.score, json);
    await this.react({ kind: "interim", release, verdict, rule: undefined, changed, now });
  }

  /**
   * Completes the verdict (capacity…), stores it and reacts; returns the verdict as stored. Throws AlreadyDecidedError
   * when the release is decided already: the caller's write must roll back (what the stages wrote goes with it).
   */
  async recordFinal(release: JudgedRelease, judged: FinalVerdict, rule: Rule, now: number): Promise<FinalVerdict> {
    let verdict = judged;
    for (const stage of this.stages) verdict = await stage.complete(release, verdict, rule);
    const json = JSON.stringify(verdict);
    const decidedAt = release.decidedAt ?? -1;
    const updatedAt = release.updatedAt ?? null;
    if ((await this.s.final.run(verdict.status, json, verdict.score, verdict.summary, now, now, release.id, decidedAt, updatedAt)) === 0) throw new AlreadyDecidedError(release.id);
    await this.insertEvaluation(release.id, "final", now, verdict.status, verdict.score, json);
    await this.react({ kind: "final", release, verdict, rule, changed: true, now });
    return verdict;
  }

  /** A batch's verdict in a rolling deploy: stored by the batch service; reacted to at once, so on-call hears of a bad batch. */
  async recordBatch(release: ReleaseIdentity, verdict: FinalVerdict, rule: Rule, now: number): Promise<void> {
    await this.react({ kind: "batch", release, verdict, rule, changed: true, now });
  }

  /**
   * An outcome reported by the deploy tool itself (failed, rolled back): final, with no statistics. The same event
   * already recorded (by another replica) changes nothing and returns false; nothing was written, so the deploy
   * event's own write still commits and stays acknowledged.
   */
  async recordOutcome(release: ReleaseIdentity, status: VerdictStatus, summary: string, now: number): Promise<boolean> {
    const verdict = { status, score: null, summary, checks: [] };
    if ((await this.s.outcome.run(status, summary, now, now, release.id, summary)) === 0) return false;
    await this.insertEvaluation(release.id, "final", now, status, null, JSON.stringify(verdict));
    await this.react({ kind: "outcome", release, verdict, rule: undefined, changed: true, now });
    return true;
  }

  private async insertEvaluation(releaseId: string, kind: "interim" | "final", now: number, status: string, score: number | null, json: string): Promise<void> {
    await this.evaluation.run(releaseId, kind, now, status, score, json);
  }

  /** In-transaction reactions now; after-commit ones (and the kicks the others return) once the verdict is committed. */
  private async react(v: RecordedVerdict): Promise<void> {
    const kicks: (() => void)[] = [];
    for (const r of this.now) {
      const kick = await r.react(v);
      if (kick) kicks.push(kick);
    }
    if (this.later.length === 0 && kicks.length === 0) return;
    // Only once the verdict is committed, outside the write: never for a verdict that is rolled back.
    this.store.afterCommit(() => {
      for (const kick of kicks) kick();
      for (const r of this.later) void r.react(v).catch((err: unknown) => this.onReactionError(r.name, err));
    });
  }
}
