import { judgeErrorBudget } from "../analysis/sequential/error-budget.ts";
import { fitLatencyBaseline } from "../analysis/sequential/latency-baseline.ts";
import { judgeLatencySequential } from "../analysis/sequential/latency-sequential.ts";
import { ERROR_PLAN } from "../analysis/sequential/look-plan.ts";
import { sequentialSettings, signalAlpha } from "./sequential-settings.ts";
import { fitRateBaseline, judgeRateSequential } from "../analysis/sequential/rate-sequential.ts";
import { combineSequential, type ReleaseStanding, type SignalStanding } from "../analysis/sequential/release-verdict.ts";
import type { SequentialResult, SequentialSettings } from "../analysis/sequential/sequential-types.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";
import { routeLike } from "../sources/builtin-source.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowReader } from "../telemetry/window-reader.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { Evaluator } from "./evaluator.ts";
import { NO_READS, type ExternalReads } from "./external-reads.ts";
import { explainSequential, summarizeSequential } from "./sequential-explain.ts";
import { SequentialEvidenceReader, type EvidenceScope } from "./sequential-evidence.ts";
import { FitCache } from "./fit-cache.ts";
import { floorMinute } from "./release-windows.ts";
import { baselineWindow, ComparisonChooser } from "./sequential-comparison.ts";
import type { Check, Verdict } from "./verdict.ts";
import { judgeNewErrors, newErrorsOptions, readNewErrorsInput } from "./new-errors-signal.ts";
import type { ErrorSignatureReader } from "../telemetry/error-signature-reader.ts";
import type { SkippedSignal } from "./release-overrides.ts";

const MINUTE = 60_000;

/** Is this signal judged by the sequential engine (pushed request logs), or by the fixed window (metrics, outside sources)? */
export const isSequential = (rule: Rule, s: SignalRule) =>
  rule.analysis.mode === "sequential" && s.source === "builtin" && !s.by_route && (s.kind === "error_rate" || s.kind === "latency" || s.kind === "new_errors" || s.kind === "error_budget");

export interface SequentialVerdict {
  verdict: Verdict;
  standing: ReleaseStanding;
}

/**
 * The sequential verdict of a release over the minutes stored so far (issue 11): each pushed-telemetry signal is judged
 * look by look against the baseline `auto` chooses, stopping at its first decisive look; signals of kind metric or read
 * from outside sources keep the fixed window of `analysis.minutes`. Stateless over looks, so a replayed deploy, a
 * restart and POST /evaluate all reach the verdict a live run would have.
 */
export class SequentialEvaluator {
  private readonly evidence: SequentialEvidenceReader;
  private readonly comparisons: ComparisonChooser;
  /** Baseline models depend only on the data before the deploy: fitted once per service, deploy minute and signal. */
  private readonly models = new FitCache(256);
  /** Days of per-minute history are the big part: kept for fewer deploys than the models fitted on them. */
  private readonly histories = new FitCache(48);

  constructor(
    private readonly reader: WindowReader,
    private readonly fixed: Evaluator,
    private readonly baselines: BaselineResolver,
    private readonly signatures: ErrorSignatureReader,
  ) {
    this.evidence = new SequentialEvidenceReader(reader);
    this.comparisons = new ComparisonChooser(reader, baselines);
  }

  /** `skipped`: signals an operator set aside for this release; shown, never counted. */
  async evaluate(release: ReleaseRow, rule: Rule, candidateEnd: number, now: number, external: ExternalReads = NO_READS,
    skipped: ReadonlyMap<string, SkippedSignal> = new Map()): Promise<SequentialVerdict> {
    const analysisStart = release.analysisStart!;
    const minutesSoFar = Math.max(0, Math.round((candidateEnd - analysisStart) / MINUTE));
    const comparison = await this.comparisons.choose(release, rule, candidateEnd);
    const sequential = rule.signals.filter((s) => isSequential(rule, s));
    const alpha = signalAlpha(rule, sequential);
    const fixedChecks = await this.fixedChecks(release, rule, minutesSoFar, now, external);
    // Error counts only: each environment has its own latency threshold (its p95 before its own deploy).
    const pooled = comparison.groups || comparison.referenceStart !== undefined ? [] : await this.baselines.pooledWith(release, rule.pool_environments);
    const checks: Check[] = [];
    const standingOf = async (signal: SignalRule): Promise<SignalStanding | null> => {
      const skip = skipped.get(signal.name);
      if (skip) {
        checks.push({ ...waitingCheck(signal, `Set aside for this release by ${skip.by} at ${skip.at}; not judged.`), skipped: skip });
        return null;
      }
      const common = { critical: signal.critical, weight: signal.weight, noData: signal.no_data };
      if (!isSequential(rule, signal)) {
        const check = fixedChecks.get(signal.name);
        if (!check) {
          checks.push(waitingCheck(signal, `Judged on the first ${rule.analysis.minutes} minutes after the deploy; ${minutesSoFar} so far.`));
          return { ...common, status: "continue", minutesUsed: minutesSoFar, maxMinutes: rule.analysis.minutes, nextLookMinutes: rule.analysis.minutes };
        }
        checks.push(check);
        const status = check.status === "error" ? "fail" : check.status;
        return { ...common, status, minutesUsed: rule.analysis.minutes, maxMinutes: rule.analysis.minutes, nextLookMinutes: null };
      }
      const scope: EvidenceScope = { historyDays: rule.baseline.history_days, ...comparison, service: release.service, environment: release.environment,
        deployStartedAt: release.deployStartedAt ?? analysisStart, analysisStart, candidateEnd, routeLike: routeLike(signal.route),
        ...(signal.kind === "error_rate" && pooled.length > 0 ? { pooled } : {}) };
      try {
        if (signal.kind === "new_errors") {
          const judged = await this.judgeNewErrors(release, rule, signal, scope, alpha);
          checks.push(judged.check);
          return { ...common, ...judged.standing };
        }
        const result = await this.judgeSignal(rule, signal, scope, alpha);
        checks.push(explainSequential(signal, result, analysisStart));
        return { ...common, status: result.status, minutesUsed: result.minutesUsed, maxMinutes: result.maxMinutes, nextLookMinutes: result.nextLookMinutes };
      } catch (err) {
        // A signal that cannot be computed is that signal's result, never a stuck release or a 5xx (issue 11).
        const reason = `The ${signal.name} check could not be computed (${(err as Error).message}); it counts as failed.`;
        checks.push({ ...waitingCheck(signal, reason), status: "error" });
        return { ...common, status: "fail", minutesUsed: minutesSoFar, maxMinutes: minutesSoFar, nextLookMinutes: null };
      }
    };
    // One signal after another, as before: checks are pushed in the rule's order.
    const standings: (SignalStanding | null)[] = [];
    for (const signal of rule.signals) standings.push(await standingOf(signal));
    // Observe-mode signals are judged and shown beside the others, but never fail, hold or keep the release waiting.
    rule.signals.forEach((signal, i) => {
      if (signal.mode === "observe" && standings[i]) {
        const check = checks.find((c) => c.signal === signal.name);
        if (check) check.observe = true;
        standings[i] = null;
      }
    });
    const standing = combineSequential(standings.filter((s): s is SignalStanding => s !== null), rule.thresholds);
    const iso = (t: number) => new Date(t).toISOString();
    const target = `${release.service} ${release.version} in ${release.environment}`;
    const decidedEnd = standing.final ? analysisStart + standing.decidedAtMinutes * MINUTE : candidateEnd;
    const verdict: Verdict = {
      status: standing.status,
      score: standing.score,
      summary: summarizeSequential(target, standing, checks, analysisStart),
      checks,
      rule: rule.name,
      final: standing.final,
      windows: {
        baseline: baselineWindow(release, rule, comparison, checks, decidedEnd),
        analysis: { start: iso(analysisStart), end: iso(decidedEnd) },
      },
      evaluated_at: iso(now),
      ...(standing.decideByMinutes === null ? {} : { decide_by: iso(analysisStart + standing.decideByMinutes * MINUTE) }),
      ...(standing.nextLookMinutes === null ? {} : { next_look_at: iso(analysisStart + standing.nextLookMinutes * MINUTE) }),
    };
    return { verdict, standing };
  }

  /**
   * New kinds of error: a look is decisive only when it fails; otherwise the signal stands as passed so far and never
   * keeps a release waiting. The first failing look (5-minute steps from 10) is found as a replay would find it.
   */
  private async judgeNewErrors(release: ReleaseRow, rule: Rule, signal: SignalRule, scope: EvidenceScope, alpha: number): Promise<{ check: Check; standing: Omit<SignalStanding, "critical" | "weight" | "noData"> }> {
    const options = newErrorsOptions(signal);
    const maxMinutes = rule.analysis.max_minutes;
    const looks = Math.floor((maxMinutes - ERROR_PLAN.firstLookMinutes) / ERROR_PLAN.lookEveryMinutes) + 1;
    const at = async (end: number) => {
      const data = await readNewErrorsInput(this.signatures, { service: release.service, environment: release.environment, version: release.version,
        deployStart: scope.deployStartedAt, candidateStart: scope.analysisStart, candidateEnd: end }, options);
      return data.kind === "missing" ? undefined : judgeNewErrors(data.evidence, options, { alpha, looks });
    };
    const available = Math.round((scope.candidateEnd - scope.analysisStart) / MINUTE);
    let minutes = available;
    let judged = await at(scope.candidateEnd);
    if (judged?.status === "fail" || judged?.status === "warn") {
      for (let t = ERROR_PLAN.firstLookMinutes; t < available; t += ERROR_PLAN.lookEveryMinutes) {
        const earlier = await at(scope.analysisStart + t * MINUTE);
        if (earlier?.status === judged.status) {
          judged = earlier;
          minutes = t;
          break;
        }
      }
    }
    const status = judged === undefined ? "nodata" : judged.status;
    const reason = judged?.reason ?? "New kinds of error cannot be judged: the analysis window has not started.";
    const stats = judged?.analysis.kind === "ok" ? judged.analysis.stats : undefined;
    const check: Check = {
      ...waitingCheck(signal, reason), status, classification: status === "fail" || status === "warn" ? "high" : status === "pass" ? "pass" : "nodata",
      ...(stats ? { p_value: stats.pValue, method: stats.method, details: stats.details, candidate: { value: stats.candidateValue, n: stats.candidateN } } : {}),
    };
    return { check, standing: { status, minutesUsed: minutes, maxMinutes, nextLookMinutes: null } };
  }

  private async judgeSignal(rule: Rule, signal: SignalRule, scope: EvidenceScope, alpha: number): Promise<SequentialResult> {
    const latency = signal.kind === "latency";
    const settings = sequentialSettings(rule, signal, alpha);
    if (signal.kind === "error_budget") {
      return judgeErrorBudget(await this.evidence.candidateRates(scope), settings, { objective: signal.objective!, burnRate: signal.burn_rate ?? 14.4 });
    }
    const key = fitKey(scope, signal, settings);
    if (!latency) {
      const history = await this.histories.get(key, () => this.evidence.rateHistory(scope));
      const model = await this.models.get(key, () => fitRateBaseline(history, settings));
      const result = judgeRateSequential(model, await this.evidence.rate(scope, history), settings);
      const pooledNames = history.pooled?.map((p) => p.environment) ?? [];
      return pooledNames.length === 0 ? result
        : { ...result, pooledWith: pooledNames, designReason: `${scope.environment} pooled with the same version in ${pooledNames.join(", ")}, each minute counted from its own deploy; ${result.designReason}` };
    }
    const threshold = await this.models.get(`${key}|threshold`, async () => (await this.evidence.latencyThreshold(scope)) ?? null);
    if (!threshold) return noLatencyBaseline(settings);
    const history = await this.histories.get(`${key}|latency`, () => this.evidence.latencyHistory(scope, threshold.bucket));
    const model = await this.models.get(`${key}|model`, () => fitLatencyBaseline(history, settings));
    return judgeLatencySequential(model, await this.evidence.latency(scope, history, threshold), settings);
  }

  /** Signals the fixed engine judges, once their window of `analysis.minutes` is complete. */
  private async fixedChecks(release: ReleaseRow, rule: Rule, minutesSoFar: number, now: number, external: ExternalReads): Promise<Map<string, Check>> {
    const signals = rule.signals.filter((s) => !isSequential(rule, s));
    if (signals.length === 0 || minutesSoFar < rule.analysis.minutes) return new Map();
    const sub: Rule = { ...rule, signals, baseline: rule.baseline.kind === "auto" ? { ...rule.baseline, kind: "before_deploy" } : rule.baseline };
    const end = release.analysisStart! + rule.analysis.minutes * MINUTE;
    const paired = await this.baselines.resolve(release, sub, end);
    const v = await this.fixed.evaluate({ service: release.service, environment: release.environment, version: release.version, rule: sub, paired, final: true, now }, external);
    return new Map(v.checks.map((c) => [c.signal, c]));
  }
}

/**
 * Everything the history and the fit read, and nothing of the release itself: the service, its deploy's minute (the
 * history ends there), the window's start, the comparison and the signal's settings (α halves on a retry). Candidate
 * minutes are not part of it; they are read at every look.
 */
function fitKey(scope: EvidenceScope, signal: SignalRule, settings: SequentialSettings): string {
  const { candidateEnd: _, deployStartedAt, ...inputs } = scope;
  return JSON.stringify([inputs, floorMinute(deployStartedAt), signal.kind, settings]);
}

export function waitingCheck(signal: SignalRule, reason: string): Check {
  return {
    signal: signal.name, kind: signal.kind, status: "nodata", classification: "nodata", critical: signal.critical, weight: signal.weight,
    no_data_policy: signal.no_data, baseline: { value: null, n: 0 }, candidate: { value: null, n: 0 },
    change: { relative: null, absolute: null, ci_low: null, ci_high: null }, p_value: null, q_value: null, method: null, reason, details: {},
  };
}

function noLatencyBaseline(settings: SequentialSettings): SequentialResult {
  return {
    status: "nodata", design: "before_deploy", designReason: "no latencies were stored before the deploy", lowAssurance: true, minutesUsed: 0,
    maxMinutes: settings.plan.maxMaxMinutes, nextLookMinutes: null, intervalLevel: 0.95,
    stats: { method: "none", baselineValue: NaN, candidateValue: NaN, baselineN: 0, candidateN: 0, absoluteChange: NaN, relativeChange: NaN, ciLow: NaN, ciHigh: NaN, pValue: 1, details: {} },
    why: "no response times were recorded in the day before the deploy, so there is nothing to compare with",
  };
}
