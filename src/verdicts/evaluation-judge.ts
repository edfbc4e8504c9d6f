import { eq } from "drizzle-orm";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { Store } from "../store/store.ts";
import { releases, type ReleaseRow } from "../store/schema/index.ts";
import type { Evaluator } from "./evaluator.ts";
import type { ExternalReads } from "./external-reads.ts";
import type { JudgeStep, Step } from "./evaluation-plan.ts";
import { applyObserveMode } from "./observe-mode.ts";
import type { OnsetLocator } from "./onset-locator.ts";
import type { SequentialEvaluator } from "./sequential-evaluator.ts";
import { waitingCheck } from "./sequential-evaluator.ts";
import { isFinal, type FinalVerdict, type Verdict } from "./verdict.ts";
import type { VerdictRecorder } from "./verdict-recorder.ts";

const MINUTE = 60_000;

/** A judged step, ready to record: what the release's row and the recorder are told, and nothing read yet to come. */
export type Judged =
  | { kind: "wait"; release: ReleaseRow; next: number }
  | { kind: "final"; release: ReleaseRow; verdict: FinalVerdict; rule: Rule; shown: Verdict }
  | { kind: "interim"; release: ReleaseRow; verdict: Verdict; failures: number; next: number; changed: boolean };

/**
 * Judging (reads only, so it can run outside any transaction and several releases at once) apart from recording (the
 * writes, behind the caller's check that the release is still as judged).
 */
export class EvaluationJudge {
  constructor(
    private readonly store: Store,
    private readonly rules: RuleSet,
    private readonly evaluator: Evaluator,
    private readonly sequential: SequentialEvaluator,
    private readonly onsets: OnsetLocator,
    private readonly recorder: VerdictRecorder,
    private readonly graceMs: number,
  ) {}

  async judge(step: Step, reads: ExternalReads, now: number): Promise<Judged> {
    if (step.kind === "wait") return step;
    return step.sequential ? this.judgeSequential(step, reads, now) : this.judgeFixed(step, reads);
  }

  /** Records a judged step; run it inside a write. Returns the verdict as judged (before the recorder's stages). */
  async record(judged: Judged, now: number): Promise<Verdict | undefined> {
    const { release } = judged;
    switch (judged.kind) {
      case "wait":
        await this.store.db.update(releases).set({ nextCheckAt: judged.next }).where(eq(releases.id, release.id));
        return undefined;
      case "final":
        await this.recorder.recordFinal(release, judged.verdict, judged.rule, now);
        return judged.shown;
      case "interim":
        await this.recorder.recordInterim(release, judged.verdict, judged.failures, judged.next, now, judged.changed);
        return judged.verdict;
    }
  }

  private async judgeFixed(step: JudgeStep, reads: ExternalReads): Promise<Judged> {
    const { release } = step;
    const rule = this.rules.forRelease(release);
    const verdict = applyObserveMode(await this.judgeWindow(step, reads, rule), rule);
    if (step.next === null) return { kind: "final", release, verdict, rule, shown: verdict };
    const failures = verdict.status === "fail" ? release.consecutiveFailures + 1 : 0;
    // Hysteresis: one bad interim check is not enough to stop a release; N in a row are.
    if (failures >= rule.analysis.early_fail_after) return { kind: "final", release, verdict: { ...verdict, final: true }, rule, shown: verdict };
    return { kind: "interim", release, verdict, failures, next: step.next, changed: true };
  }

  private async judgeSequential(step: JudgeStep, reads: ExternalReads, now: number): Promise<Judged> {
    const { release, judged: rule } = step;
    const judged = await this.sequential.evaluate(release, rule, step.candidateEnd, now, reads, step.skipped);
    const { standing } = judged;
    const verdict = applyObserveMode(judged.verdict, rule);
    if (isFinal(verdict)) {
      await this.locateOnsets(release, rule, verdict, release.analysisStart! + standing.decidedAtMinutes * MINUTE);
      return { kind: "final", release, verdict, rule, shown: verdict };
    }
    const nextLook = release.analysisStart! + (standing.nextLookMinutes ?? 0) * MINUTE + this.graceMs;
    // A concurrent comparison looks every minute: Datadog and Kibana hear of the first look and of changes only.
    const changed = (release.verdict as Verdict | null)?.status !== verdict.status;
    return { kind: "interim", release, verdict, failures: 0, next: Math.max(now + MINUTE, nextLook), changed };
  }

  /** Onsets are located in pushed telemetry, so only its failing error and latency signals get one. */
  private async locateOnsets(release: ReleaseRow, rule: Rule, verdict: Verdict, candidateEnd: number): Promise<void> {
    for (const [i, check] of verdict.checks.entries()) {
      if (rule.signals[i]?.source !== "builtin") continue;
      if (check.status !== "fail" || (check.kind !== "error_rate" && check.kind !== "latency")) continue;
      const onset = await this.onsets.locate(release, check.kind, candidateEnd);
      if (onset) check.onset = onset;
    }
  }

  private async judgeWindow(step: JudgeStep, reads: ExternalReads, rule: Rule): Promise<FinalVerdict> {
    const verdict = await this.evaluator.evaluate(step.input, reads);
    await this.locateOnsets(step.release, step.input.rule, verdict, step.candidateEnd);
    for (const [name, skip] of step.skipped) {
      const signal = rule.signals.find((s) => s.name === name);
      if (signal) verdict.checks.push({ ...waitingCheck(signal, `Set aside for this release by ${skip.by} at ${skip.at}; not judged.`), skipped: skip });
    }
    return verdict;
  }
}
