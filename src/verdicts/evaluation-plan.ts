import { ERROR_PLAN } from "../analysis/sequential/look-plan.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { EvaluationInput } from "./evaluator.ts";
import { readsOutsideSources } from "./external-reads.ts";
import type { ReleaseOverrides, SkippedSignal } from "./release-overrides.ts";
import { floorMinute, nextCheckAt, type ReleaseWindows } from "./release-windows.ts";

const MINUTE = 60_000;

/**
 * A planned evaluation: `next` is null for a final verdict, else when the next interim check is due. `judged` is the
 * rule as this release is judged now and `skipped` the signals set aside, both read once here for the whole evaluation.
 */
export type JudgeStep = {
  kind: "judge"; release: ReleaseRow; input: EvaluationInput; candidateEnd: number; next: number | null; sequential?: boolean;
  judged: Rule; skipped: ReadonlyMap<string, SkippedSignal>;
};
export type Step = { kind: "wait"; release: ReleaseRow; next: number } | JudgeStep;

/** What a due release needs: only a later check (its window has not begun), or a verdict over the minutes so far. Reads only. */
export class EvaluationPlanner {
  constructor(
    private readonly rules: RuleSet,
    private readonly baselines: BaselineResolver,
    private readonly replays: Pick<ReleaseOverrides, "read" | "finishReceived" | "lastStoredMinute">,
    private readonly graceMs: number,
  ) {}

  async plan(release: ReleaseRow, now: number): Promise<Step> {
    const rule = this.rules.forRelease(release);
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

  async judgeStep(release: ReleaseRow, base: Rule, candidateEnd: number, final: boolean, now: number, next: number | null): Promise<JudgeStep> {
    const { judged, skipped } = await this.judgedRule(release, base);
    const rule = skipped.size === 0 ? judged : { ...judged, signals: judged.signals.filter((s) => !skipped.has(s.name)) };
    const paired = await this.baselines.resolve(release, rule, candidateEnd);
    return { kind: "judge", release, candidateEnd, next, input: { ...identity(release), rule, paired, final, now }, judged, skipped };
  }

  /**
   * Sequential: the looks up to the whole minutes whose data has arrived (`dataEnd`), stopping at the first decisive
   * one; no decision before the first look. Outside-source signals keep their fixed window, read once it is complete.
   */
  async planSequential(release: ReleaseRow, base: Rule, windows: ReleaseWindows, dataEnd: number, now: number): Promise<Step> {
    const candidateEnd = Math.min(dataEnd, windows.analysisEnd);
    if (candidateEnd < windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE) {
      return { kind: "wait", release, next: Math.max(now + MINUTE, windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE + this.graceMs) };
    }
    const { judged: rule, skipped } = await this.judgedRule(release, base);
    const fixedEnd = windows.analysisStart + rule.analysis.minutes * MINUTE;
    const fixedRule: Rule = rule.baseline.kind === "auto" ? { ...rule, baseline: { ...rule.baseline, kind: "before_deploy" } } : rule;
    const readsOutside = readsOutsideSources(rule) && candidateEnd >= fixedEnd;
    const paired = await this.baselines.resolve(release, fixedRule, fixedEnd);
    const input: EvaluationInput = { ...identity(release), rule: readsOutside ? fixedRule : { ...fixedRule, signals: fixedRule.signals.filter((s) => s.source === "builtin") }, paired, final: true, now };
    return { kind: "judge", release, candidateEnd, next: null, input, sequential: true, judged: rule, skipped };
  }

  /**
   * The rule as this release is judged now. A retry is a new sequential test on the new minutes only, at half the α of
   * the test before it (α·2^-k for the k-th): the tests cover disjoint data, so by the union bound all retries together
   * add at most α to the release's false-fail probability, however often a person asks.
   */
  private async judgedRule(release: ReleaseRow, rule: Rule): Promise<{ judged: Rule; skipped: Map<string, SkippedSignal> }> {
    const { retries, skipped } = await this.replays.read(release.id);
    return { judged: retries === 0 ? rule : { ...rule, confidence: 1 - (1 - rule.confidence) / 2 ** retries }, skipped };
  }

  /**
   * A replayed deploy (its finish received long after it happened) has its telemetry still on the way: minutes after
   * the last one stored have not arrived yet, rather than being silent, until the window's length of wall-clock time
   * has passed since the deploy was received. Only for rules that read pushed telemetry.
   */
  private async arrivedEnd(release: ReleaseRow, rule: Rule, windows: ReleaseWindows, now: number): Promise<number> {
    // Outside sources (Prometheus, Datadog, Elasticsearch) hold their own data: nothing of theirs arrives here.
    if (!rule.signals.some((s) => s.source === "builtin")) return Infinity;
    const finish = await this.replays.finishReceived(release.id, release.latestDeployId);
    if (!finish || finish.receivedAt - finish.timestamp <= this.graceMs + MINUTE) return Infinity;
    if (now >= finish.receivedAt + (windows.analysisEnd - windows.analysisStart) + this.graceMs) return Infinity;
    const last = await this.replays.lastStoredMinute(release.service, release.environment, windows.analysisStart);
    return last === undefined ? windows.analysisStart : last + MINUTE;
  }
}

export function windowsOf(r: ReleaseRow): ReleaseWindows {
  return { baselineStart: r.baselineStart!, baselineEnd: r.baselineEnd!, analysisStart: r.analysisStart!, analysisEnd: r.analysisEnd! };
}

const identity = (r: ReleaseRow) => ({ service: r.service, environment: r.environment, version: r.version });
