import { eq, inArray } from "drizzle-orm";
import { AppError } from "../http/app-error.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import { first, type Statement, type Store } from "../store/store.ts";
import { releases, type ReleaseRow } from "../store/schema/index.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { Evaluator } from "./evaluator.ts";
import { NO_READS, readsOutsideSources, type ExternalReads } from "./external-reads.ts";
import type { OnsetLocator } from "./onset-locator.ts";
import { floorMinute } from "./release-windows.ts";
import type { Verdict } from "./verdict.ts";
import { AlreadyDecidedError, ReleaseChangedError, type VerdictRecorder } from "./verdict-recorder.ts";
import type { SequentialEvaluator } from "./sequential-evaluator.ts";
import { ERROR_PLAN } from "../analysis/sequential/look-plan.ts";
import { ReleaseOverrides } from "./release-overrides.ts";
import { ReleaseReopen } from "./release-reopen.ts";
import { claimLeaseMs, ReleaseClaims } from "./release-claims.ts";
import { NO_METRICS, type Metrics } from "../observability/metrics.ts";
import { EvaluationPlanner, windowsOf, type JudgeStep, type Step } from "./evaluation-plan.ts";
import { nextTurn } from "../telemetry/event-loop-slices.ts";
import { EvaluationJudge, type Judged } from "./evaluation-judge.ts";

const MINUTE = 60_000;
const RETRY_AFTER_MS = 5 * MINUTE;
/** The release lifecycle: pending → analyzing → pass | warn | fail | hold, kept in the database so a restart resumes it. */
export class VerdictService {
  private readonly backOff: Statement<unknown>;
  private readonly claims: ReleaseClaims;
  private readonly reopening: ReleaseReopen;
  private readonly planner: EvaluationPlanner;
  private readonly judging: EvaluationJudge;
  /** Releases of a claimed chunk planned and judged at once: on PostgreSQL each waits on its own round trips. */
  private readonly readers: number;

  constructor(
    private readonly store: Store,
    private readonly rules: RuleSet,
    private readonly evaluator: Evaluator,
    baselines: BaselineResolver,
    onsets: OnsetLocator,
    recorder: VerdictRecorder,
    private readonly sequential: SequentialEvaluator,
    graceMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (release: ReleaseRow, err: unknown) => void = () => {},
    claimMs = claimLeaseMs(10_000, 1),
    private readonly metrics: Metrics = NO_METRICS,
    poolSize = 1,
  ) {
    this.backOff = store.statement("UPDATE releases SET next_check_at = ? WHERE id = ?");
    this.claims = new ReleaseClaims(store, claimMs);
    const overrides = new ReleaseOverrides(store);
    this.reopening = new ReleaseReopen(store, overrides);
    this.planner = new EvaluationPlanner(rules, baselines, overrides, graceMs);
    this.judging = new EvaluationJudge(store, rules, evaluator, this.sequential, onsets, recorder, graceMs);
    // Half the pool, so requests and the other jobs still find connections. SQLite answers at once: nothing to overlap.
    this.readers = store.dialect === "postgres" ? Math.max(1, Math.floor(poolSize / 2)) : 1;
  }

  ruleFor(release: ReleaseRow): Rule {
    return this.rules.forRelease(release);
  }

  /**
   * Runs up to `limit` due evaluations and records them in one transaction (one fsync for the lot); returns how many
   * ran. It reads no outside source, so it judges only releases whose signals all read pushed telemetry; the others
   * wait for runDueReading. A release whose evaluation throws is logged and skipped, so it cannot block the others.
   */
  async runDue(limit = 200): Promise<number> {
    const now = this.now();
    return this.claims.withClaimed(now, limit, async (due) => {
      const steps = await this.planAll(due, now);
      const outside = new Set(steps.filter((s) => s?.kind === "judge" && readsOutsideSources(s.input.rule)));
      // Left to runDueReading, due again at once rather than at the end of this claim.
      if (outside.size > 0) {
        await this.store.write(async () => {
          for (const s of outside) await this.backOff.run(now, s!.release.id);
        });
      }
      const local = steps.filter((s): s is Step => s !== undefined && !outside.has(s));
      await this.judgeAndRecord(local, local.map(() => NO_READS), now);
      return local.length;
    });
  }

  /** Releases this replica has claimed and not finished judging (/readyz). */
  get claimsInFlight(): number {
    return this.claims.inFlight;
  }

  /**
   * Runs up to `limit` due evaluations: plans them, reads their outside sources (all releases in parallel) and judges
   * them, all outside any transaction, then records them all in one transaction. Returns how many were due.
   */
  async runDueReading(limit = 200): Promise<number> {
    const now = this.now();
    return this.claims.withClaimed(now, limit, async (due) => {
      const steps = await this.planAll(due, now);
      const reads = await Promise.all(steps.map((s) => (s?.kind === "judge" ? this.evaluator.readOutside(s.input) : NO_READS)));
      await this.judgeAndRecord(steps, reads, now);
      return due.length;
    });
  }

  /** Works through every due release in chunks, yielding to the event loop between them so requests keep flowing. */
  async runAllDue(chunk = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runDueReading(chunk);
      total += n;
      if (n < chunk) return total;
      await nextTurn();
    }
  }

  private planAll(due: ReleaseRow[], now: number): Promise<(Step | undefined)[]> {
    return mapBounded(due, this.readers, (release) => this.guarded(release, now, () => this.planner.plan(release, now)));
  }

  /**
   * Judges outside any transaction (reads only), then records in one write what is still as it was judged: a release
   * that changed meanwhile (a new deploy, a forced verdict) is skipped and planned afresh at its next run.
   */
  private async judgeAndRecord(steps: (Step | undefined)[], reads: ExternalReads[], now: number): Promise<void> {
    const judged = await mapBounded(steps, this.readers, async (step, i) =>
      step && this.guarded(step.release, now, () => this.timed(step, () => this.judging.judge(step, reads[i]!, now), false)));
    const done = steps.flatMap((step, i) => (step && judged[i] ? [{ step, j: judged[i] }] : []));
    if (done.length === 0) return;
    const results: { step: Step; result: "ok" | "superseded" }[] = [];
    await this.store.write(async () => {
      results.length = 0;
      const current = new Map((await this.store.db.select().from(releases).where(inArray(releases.id, done.map(({ j }) => j.release.id)))).map((r) => [r.id, r]));
      for (const { step, j } of done) {
        if (!sameAsJudged(current.get(j.release.id), j.release)) {
          results.push({ step, result: "superseded" });
          continue;
        }
        const result = await this.guarded(j.release, now, () => this.recordOrSupersede(j, now));
        if (result) results.push({ step, result });
      }
    });
    // Counted once the write committed, so a write run again after losing a race counts each evaluation once.
    for (const { step, result } of results) if (step.kind !== "wait") this.metrics.evaluationRecorded(step.sequential ? "sequential" : "fixed", result);
  }

  /** Records one judged release in its own savepoint; "superseded" when it was decided meanwhile (that part rolled back). */
  private async recordOrSupersede(j: Judged, now: number): Promise<"ok" | "superseded"> {
    try {
      await this.store.write(() => this.judging.record(j, now));
      return "ok";
    } catch (err) {
      if (err instanceof AlreadyDecidedError) return "superseded";
      throw err;
    }
  }

  /** Judges and records one step; run it in a transaction. */
  private apply(step: Step, reads: ExternalReads, now: number): Promise<Verdict | undefined> {
    return this.timed(step, async () => this.judging.record(await this.judging.judge(step, reads, now), now));
  }

  private timed<T>(step: Step, run: () => Promise<T>, counted = true): Promise<T> {
    return step.kind === "wait" ? run() : this.metrics.evaluation(step.sequential ? "sequential" : "fixed", run, counted);
  }

  /** Work on one release that must not stop the others: its error is logged and the release retried later. */
  private async guarded<T>(release: ReleaseRow, now: number, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      // Judged meanwhile by another replica (or a person): this evaluation rolled back, and there is nothing to retry.
      if (err instanceof AlreadyDecidedError) return undefined;
      this.onError(release, err);
      // Retried later, not at every run: a release that keeps failing must not crowd out the others.
      await this.backOff.run(now + RETRY_AFTER_MS, release.id);
      return undefined;
    }
  }

  /** Validates a forced evaluation and reads its outside sources; judgeNow then judges and records it. */
  async prepareNow(id: string): Promise<PreparedEvaluation> {
    const release = await this.get(id);
    if (release.analysisStart === null) {
      if (release.status === "pending") throw new AppError("CONFLICT", "The deploy of this release has not finished yet, so there is no window to judge.");
      throw new AppError("CONFLICT", `This release ended as '${release.status}' by its deploy tool; there is no window to judge.`);
    }
    const now = this.now();
    const windows = windowsOf(release);
    const rule = this.ruleFor(release);
    if (rule.analysis.mode === "sequential") {
      // Every look a live run would have made over the data stored up to now; still analyzing when none is decisive.
      // A person asking now is judged on what is stored, even for a replayed deploy whose telemetry is still on its way.
      const step = await this.planner.planSequential(release, rule, windows, floorMinute(now), now);
      if (step.kind === "wait") throw new AppError("CONFLICT", `No decision before ${ERROR_PLAN.firstLookMinutes} minutes of data after the deploy; ask again after ${new Date(windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE).toISOString()}.`);
      return { step, reads: await this.evaluator.readOutside(step.input) };
    }
    const candidateEnd = Math.max(Math.min(windows.analysisEnd, floorMinute(now)), windows.analysisStart);
    const step = await this.planner.judgeStep(release, rule, candidateEnd, true, now, null);
    return { step, reads: await this.evaluator.readOutside(step.input) };
  }

  /** Judges a release now, with the data there is, and makes the verdict final; run it in a transaction. */
  async judgeNow({ step, reads }: PreparedEvaluation): Promise<ReleaseRow> {
    const { release, input } = step;
    if (!sameAsJudged(await this.find(release.id), release)) {
      if ((await this.get(release.id)).decidedAt !== null) throw new AlreadyDecidedError(release.id);
      throw new ReleaseChangedError(release.id);
    }
    const verdict = (await this.apply(step, reads, input.now))!;
    return (await this.get(release.id)) ?? { ...release, verdict };
  }

  /** Operators' "judge again with more data" and "set this signal aside" (release-reopen.ts). */
  async retry(releaseId: string, now: number): Promise<void> {
    await this.reopening.retry(await this.get(releaseId), now);
  }

  async skipSignal(releaseId: string, signal: string, actor: string, now: number): Promise<void> {
    const release = await this.get(releaseId);
    if (await this.reopening.skipSignal(release, this.ruleFor(release), signal, actor, now)) await this.judgeLocally(await this.get(releaseId), now);
  }

  /** Judged at once when it reads only pushed telemetry; otherwise the scheduler reads its sources within a minute. */
  private async judgeLocally(release: ReleaseRow, now: number): Promise<void> {
    await this.guarded(release, now, () => this.store.write(async () => {
      const step = await this.planner.plan(release, now);
      if (step.kind === "judge" && readsOutsideSources(step.input.rule)) return;
      await this.apply(step, NO_READS, now);
    }));
  }

  async get(id: string): Promise<ReleaseRow> {
    const row = await this.find(id);
    if (!row) throw new AppError("NOT_FOUND", `No release with id '${id}'.`);
    return row;
  }

  private find(id: string): Promise<ReleaseRow | undefined> {
    return first(this.store.db.select().from(releases).where(eq(releases.id, id)).limit(1));
  }
}

/** Whether a release is still as it was when judged: no new deploy, window, verdict or next check since. */
function sameAsJudged(now: ReleaseRow | undefined, then: ReleaseRow): boolean {
  return now !== undefined && now.status === then.status && now.updatedAt === then.updatedAt && now.latestDeployId === then.latestDeployId
    && now.analysisStart === then.analysisStart && now.analysisEnd === then.analysisEnd && now.nextCheckAt === then.nextCheckAt;
}

/** `work` over every item, at most `limit` at a time; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface PreparedEvaluation {
  step: JudgeStep;
  reads: ExternalReads;
}
