import { eq } from "drizzle-orm";
import { AppError } from "../http/app-error.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import { first, type Statement, type Store } from "../store/store.ts";
import { releases, type ReleaseRow } from "../store/schema/index.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { EvaluationInput, Evaluator } from "./evaluator.ts";
import { NO_READS, readsOutsideSources, type ExternalReads } from "./external-reads.ts";
import type { OnsetLocator } from "./onset-locator.ts";
import { floorMinute, nextCheckAt, type ReleaseWindows } from "./release-windows.ts";
import { isFinal, type FinalVerdict, type Verdict } from "./verdict.ts";
import { AlreadyDecidedError, type VerdictRecorder } from "./verdict-recorder.ts";
import type { SequentialEvaluator } from "./sequential-evaluator.ts";
import { ERROR_PLAN } from "../analysis/sequential/look-plan.ts";
import { applyObserveMode } from "./observe-mode.ts";
import { ReleaseOverrides } from "./release-overrides.ts";
import { ReleaseReopen } from "./release-reopen.ts";
import { waitingCheck } from "./sequential-evaluator.ts";
import { claimLeaseMs, ReleaseClaims } from "./release-claims.ts";
import { NO_METRICS, type Metrics } from "../observability/metrics.ts";

const MINUTE = 60_000;
const RETRY_AFTER_MS = 5 * MINUTE;
/** The release lifecycle: pending → analyzing → pass | warn | fail | hold, kept in the database so a restart resumes it. */
export class VerdictService {
  private readonly backOff: Statement<unknown>;
  private readonly claims: ReleaseClaims;
  private readonly overrides: ReleaseOverrides;
  private readonly reopening: ReleaseReopen;

  constructor(
    private readonly store: Store,
    private readonly rules: RuleSet,
    private readonly evaluator: Evaluator,
    private readonly baselines: BaselineResolver,
    private readonly onsets: OnsetLocator,
    private readonly recorder: VerdictRecorder,
    private readonly sequential: SequentialEvaluator,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (release: ReleaseRow, err: unknown) => void = () => {},
    claimMs = claimLeaseMs(10_000, 1),
    private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.backOff = store.statement("UPDATE releases SET next_check_at = ? WHERE id = ?");
    this.claims = new ReleaseClaims(store, claimMs);
    this.overrides = new ReleaseOverrides(store);
    this.reopening = new ReleaseReopen(store, this.overrides);
  }

  ruleFor(release: ReleaseRow): Rule {
    return this.rules.forRelease(release);
  }

  /**
   * The rule as this release is judged now. A retry is a new sequential test on the new minutes only, at half the α of
   * the test before it (α·2^-k for the k-th): the tests cover disjoint data, so by the union bound all retries together
   * add at most α to the release's false-fail probability, however often a person asks.
   */
  private async judgedRule(release: ReleaseRow): Promise<Rule> {
    const rule = this.ruleFor(release);
    const retries = await this.overrides.retries(release.id);
    return retries === 0 ? rule : { ...rule, confidence: 1 - (1 - rule.confidence) / 2 ** retries };
  }

  /**
   * Runs up to `limit` due evaluations in one transaction (one fsync for the lot); returns how many ran. It reads no
   * outside source, so it judges only releases whose signals all read pushed telemetry; the others wait for
   * runDueReading. A release whose evaluation throws is logged and skipped, so it cannot block the others.
   */
  async runDue(limit = 200): Promise<number> {
    const now = this.now();
    return this.claims.withClaimed(now, limit, async (due) => {
      let ran = 0;
      await this.store.write(async () => {
        for (const release of due) {
          await this.guarded(release, now, async () => {
            const step = await this.plan(release, now);
            // Left to runDueReading, due again at once rather than at the end of this claim.
            if (step.kind === "judge" && readsOutsideSources(step.input.rule)) return void (await this.backOff.run(now, release.id));
            ran++;
            await this.apply(step, NO_READS, now);
          });
        }
      });
      return ran;
    });
  }

  /** Releases this replica has claimed and not finished judging (/readyz). */
  get claimsInFlight(): number {
    return this.claims.inFlight;
  }

  /**
   * Runs up to `limit` due evaluations: reads their outside sources first (asynchronously, all releases in parallel,
   * outside any transaction), then judges and records them all in one transaction. Returns how many were due.
   */
  async runDueReading(limit = 200): Promise<number> {
    const now = this.now();
    return this.claims.withClaimed(now, limit, (due) => this.judgeClaimed(due, now));
  }

  private async judgeClaimed(due: ReleaseRow[], now: number): Promise<number> {
    const steps: (Step | undefined)[] = [];
    for (const release of due) {
      let step: Step | undefined;
      await this.guarded(release, now, async () => {
        step = await this.plan(release, now);
      });
      steps.push(step);
    }
    const reads = await Promise.all(steps.map((s) => (s?.kind === "judge" ? this.evaluator.readOutside(s.input) : NO_READS)));
    await this.store.write(async () => {
      for (const [i, step] of steps.entries()) {
        // A release that changed while its sources were read (a new deploy, a forced verdict) is planned afresh next run.
        if (!step || !(await this.unchanged(step.release))) continue;
        await this.guarded(step.release, now, async () => {
          await this.apply(step, reads[i]!, now);
        });
      }
    });
    return due.length;
  }

  /** Works through every due release in chunks, yielding to the event loop between them so requests keep flowing. */
  async runAllDue(chunk = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runDueReading(chunk);
      total += n;
      if (n < chunk) return total;
      await new Promise((r) => setImmediate(r));
    }
  }

  private async guarded(release: ReleaseRow, now: number, work: () => Promise<void>): Promise<void> {
    try {
      await this.store.write(work);
    } catch (err) {
      // Judged meanwhile by another replica (or a person): this evaluation rolled back, and there is nothing to retry.
      if (err instanceof AlreadyDecidedError) return;
      this.onError(release, err);
      // Retried later, not at every run: a release that keeps failing must not crowd out the others.
      await this.backOff.run(now + RETRY_AFTER_MS, release.id);
    }
  }

  private async unchanged(release: ReleaseRow): Promise<boolean> {
    const now = await this.find(release.id);
    return now !== undefined && now.status === release.status && now.updatedAt === release.updatedAt && now.latestDeployId === release.latestDeployId
      && now.analysisStart === release.analysisStart && now.analysisEnd === release.analysisEnd && now.nextCheckAt === release.nextCheckAt;
  }

  /** What a due release needs: only a later check (its window has not begun), or a verdict over the minutes so far. */
  private async plan(release: ReleaseRow, now: number): Promise<Step> {
    const rule = await this.judgedRule(release);
    const windows = windowsOf(release);
    if (rule.analysis.mode === "sequential") {
      return this.planSequential(release, rule, windows, Math.min(floorMinute(now - this.graceMs), await this.arrivedEnd(release, rule, windows, now)), now);
    }
    if (now >= windows.analysisEnd + this.graceMs) return this.judgeStep(release, rule, windows.analysisEnd, true, now, null);
    const candidateEnd = Math.min(floorMinute(now), windows.analysisEnd);
    const next = nextCheckAt(rule, windows, now, this.graceMs);
    if (candidateEnd <= windows.analysisStart) return { kind: "wait", release, next };
    return this.judgeStep(release, rule, candidateEnd, false, now, next);
  }

  private async judgeStep(release: ReleaseRow, full: Rule, candidateEnd: number, final: boolean, now: number, next: number | null): Promise<JudgeStep> {
    const skipped = await this.overrides.skipped(release.id);
    const rule = skipped.size === 0 ? full : { ...full, signals: full.signals.filter((s) => !skipped.has(s.name)) };
    const paired = await this.baselines.resolve(release, rule, candidateEnd);
    return { kind: "judge", release, candidateEnd, next, input: { ...identity(release), rule, paired, final, now } };
  }

  /**
   * Sequential: the looks up to the whole minutes whose data has arrived (`dataEnd`), stopping at the first decisive
   * one; no decision before the first look. Outside-source signals keep their fixed window, read once it is complete.
   */
  private async planSequential(release: ReleaseRow, rule: Rule, windows: ReleaseWindows, dataEnd: number, now: number): Promise<Step> {
    const candidateEnd = Math.min(dataEnd, windows.analysisEnd);
    if (candidateEnd < windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE) {
      return { kind: "wait", release, next: Math.max(now + MINUTE, windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE + this.graceMs) };
    }
    const fixedEnd = windows.analysisStart + rule.analysis.minutes * MINUTE;
    const fixedRule: Rule = rule.baseline.kind === "auto" ? { ...rule, baseline: { ...rule.baseline, kind: "before_deploy" } } : rule;
    const readsOutside = readsOutsideSources(rule) && candidateEnd >= fixedEnd;
    const paired = await this.baselines.resolve(release, fixedRule, fixedEnd);
    const input: EvaluationInput = { ...identity(release), rule: readsOutside ? fixedRule : { ...fixedRule, signals: fixedRule.signals.filter((s) => s.source === "builtin") }, paired, final: true, now };
    return { kind: "judge", release, candidateEnd, next: null, input, sequential: true };
  }

  /**
   * A replayed deploy (its finish received long after it happened) has its telemetry still on the way: minutes after
   * the last one stored have not arrived yet, rather than being silent, until the window's length of wall-clock time
   * has passed since the deploy was received. Only for rules that read pushed telemetry.
   */
  private async arrivedEnd(release: ReleaseRow, rule: Rule, windows: ReleaseWindows, now: number): Promise<number> {
    // Outside sources (Prometheus, Datadog, Elasticsearch) hold their own data: nothing of theirs arrives here.
    if (!rule.signals.some((s) => s.source === "builtin")) return Infinity;
    const finish = await this.overrides.finishReceived(release.id, release.latestDeployId);
    if (!finish || finish.receivedAt - finish.timestamp <= this.graceMs + MINUTE) return Infinity;
    if (now >= finish.receivedAt + (windows.analysisEnd - windows.analysisStart) + this.graceMs) return Infinity;
    const last = await this.overrides.lastStoredMinute(release.service, release.environment, windows.analysisStart);
    return last === undefined ? windows.analysisStart : last + MINUTE;
  }

  /** Judges with the data read and records the verdict; runs inside the caller's transaction. */
  private async apply(step: Step, reads: ExternalReads, now: number): Promise<Verdict | undefined> {
    const { release } = step;
    if (step.kind === "wait") {
      await this.store.db.update(releases).set({ nextCheckAt: step.next }).where(eq(releases.id, release.id));
      return undefined;
    }
    return this.metrics.evaluation(step.sequential ? "sequential" : "fixed", () => this.applyJudged(step, reads, now));
  }

  private async applyJudged(step: JudgeStep, reads: ExternalReads, now: number): Promise<Verdict> {
    const { release } = step;
    if (step.sequential) return this.applySequential(step, reads, now);
    const rule = this.ruleFor(release);
    const verdict = applyObserveMode(await this.judge(step, reads), rule);
    if (step.next === null) {
      await this.recorder.recordFinal(release, verdict, rule, now);
      return verdict;
    }
    const failures = verdict.status === "fail" ? release.consecutiveFailures + 1 : 0;
    if (failures >= rule.analysis.early_fail_after) {
      // Hysteresis: one bad interim check is not enough to stop a release; N in a row are.
      await this.recorder.recordFinal(release, { ...verdict, final: true }, rule, now);
      return verdict;
    }
    await this.recorder.recordInterim(release, verdict, failures, step.next, now);
    return verdict;
  }

  private async applySequential(step: JudgeStep, reads: ExternalReads, now: number): Promise<Verdict> {
    const { release } = step;
    const rule = await this.judgedRule(release);
    const judged = await this.sequential.evaluate(release, rule, step.candidateEnd, now, reads, await this.overrides.skipped(release.id));
    const { standing } = judged;
    const verdict = applyObserveMode(judged.verdict, rule);
    if (isFinal(verdict)) {
      await this.locateOnsets(step.release, rule, verdict, release.analysisStart! + standing.decidedAtMinutes * MINUTE);
      await this.recorder.recordFinal(release, verdict, rule, now);
      return verdict;
    }
    const nextLook = release.analysisStart! + (standing.nextLookMinutes ?? 0) * MINUTE + this.graceMs;
    // A concurrent comparison looks every minute: Datadog and Kibana hear of the first look and of changes only.
    const changed = (release.verdict as Verdict | null)?.status !== verdict.status;
    await this.recorder.recordInterim(release, verdict, 0, Math.max(now + MINUTE, nextLook), now, changed);
    return verdict;
  }

  private async locateOnsets(release: ReleaseRow, rule: Rule, verdict: Verdict, candidateEnd: number): Promise<void> {
    for (const [i, check] of verdict.checks.entries()) {
      if (rule.signals[i]?.source !== "builtin") continue;
      if (check.status !== "fail" || (check.kind !== "error_rate" && check.kind !== "latency")) continue;
      const onset = await this.onsets.locate(release, check.kind, candidateEnd);
      if (onset) check.onset = onset;
    }
  }

  private async judge(step: JudgeStep, reads: ExternalReads): Promise<FinalVerdict> {
    const verdict = await this.evaluator.evaluate(step.input, reads);
    for (const [i, check] of verdict.checks.entries()) {
      // Onsets are located in pushed telemetry, so only its signals get one.
      if (step.input.rule.signals[i]?.source !== "builtin") continue;
      if (check.status !== "fail" || (check.kind !== "error_rate" && check.kind !== "latency")) continue;
      const onset = await this.onsets.locate(step.release, check.kind, step.candidateEnd);
      if (onset) check.onset = onset;
    }
    for (const [name, skip] of await this.overrides.skipped(step.release.id)) {
      const signal = this.ruleFor(step.release).signals.find((s) => s.name === name);
      if (signal) verdict.checks.push({ ...waitingCheck(signal, `Set aside for this release by ${skip.by} at ${skip.at}; not judged.`), skipped: skip });
    }
    return verdict;
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
    const rule = await this.judgedRule(release);
    if (rule.analysis.mode === "sequential") {
      // Every look a live run would have made over the data stored up to now; still analyzing when none is decisive.
      // A person asking now is judged on what is stored, even for a replayed deploy whose telemetry is still on its way.
      const step = await this.planSequential(release, rule, windows, floorMinute(now), now);
      if (step.kind === "wait") throw new AppError("CONFLICT", `No decision before ${ERROR_PLAN.firstLookMinutes} minutes of data after the deploy; ask again after ${new Date(windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE).toISOString()}.`);
      return { step, reads: await this.evaluator.readOutside(step.input) };
    }
    const candidateEnd = Math.max(Math.min(windows.analysisEnd, floorMinute(now)), windows.analysisStart);
    const step = await this.judgeStep(release, rule, candidateEnd, true, now, null);
    return { step, reads: await this.evaluator.readOutside(step.input) };
  }

  /** Judges a release now, with the data there is, and makes the verdict final; run it in a transaction. */
  async judgeNow({ step, reads }: PreparedEvaluation): Promise<ReleaseRow> {
    const { release, input } = step;
    if (!(await this.unchanged(release))) {
      if ((await this.get(release.id)).decidedAt !== null) throw new AlreadyDecidedError(release.id);
      throw new AppError("CONFLICT", "The release changed while its sources were read; ask again.");
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
    await this.guarded(release, now, async () => {
      const step = await this.plan(release, now);
      if (step.kind === "judge" && readsOutsideSources(step.input.rule)) return;
      await this.apply(step, NO_READS, now);
    });
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

function windowsOf(r: ReleaseRow): ReleaseWindows {
  return { baselineStart: r.baselineStart!, baselineEnd: r.baselineEnd!, analysisStart: r.analysisStart!, analysisEnd: r.analysisEnd! };
}

const identity = (r: ReleaseRow) => ({ service: r.service, environment: r.environment, version: r.version });

type JudgeStep = { kind: "judge"; release: ReleaseRow; input: EvaluationInput; candidateEnd: number; next: number | null; sequential?: boolean };
/** A planned evaluation: `next` is null for a final verdict, else when the next interim check is due. */
type Step = { kind: "wait"; release: ReleaseRow; next: number } | JudgeStep;

export interface PreparedEvaluation {
  step: JudgeStep;
  reads: ExternalReads;
}
