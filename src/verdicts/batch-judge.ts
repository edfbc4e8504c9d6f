import { combineSequential, type ReleaseStanding, type SignalStanding } from "../analysis/sequential/release-verdict.ts";
import { fitRateBaseline, judgeRateSequential } from "../analysis/sequential/rate-sequential.ts";
import type { RateEvidence, SequentialResult } from "../analysis/sequential/sequential-types.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";
import { routeLike } from "../sources/builtin-source.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowReader } from "../telemetry/window-reader.ts";
import { batchSegments, BatchEvidenceReader, type BatchSpan } from "./batch-evidence.ts";
import { isSequential } from "./sequential-evaluator.ts";
import { SequentialEvidenceReader, type EvidenceScope } from "./sequential-evidence.ts";
import { explainSequential, summarizeSequential } from "./sequential-explain.ts";
import { sequentialSettings, signalAlpha } from "./sequential-settings.ts";
import type { Check, Verdict } from "./verdict.ts";

const MINUTE = 60_000;

/**
 * Minutes of a batch's own data before it may pass. The concurrent test is valid at every minute and the earlier
 * batches' minutes already count, so a pass needs only enough of this batch's hosts to catch a fault of theirs
 * (a host-specific config); a fail may come at any minute.
 */
export const BATCH_FIRST_LOOK_MINUTES = 5;

export interface BatchJudgement {
  verdict: Verdict;
  standing: ReleaseStanding;
  /** When the next look is due (epoch ms), or null once decided. */
  nextLookAt: number | null;
  /** Minutes since this batch finished with traffic on its own hosts (what a bake counts). */
  ownMinutes: number;
}

/** The error-rate signals a batch is judged on; the others are judged on the release once every host is updated. */
export const batchSignals = (rule: Rule): SignalRule[] => rule.signals.filter((s) => isSequential(rule, s) && s.kind === "error_rate");

/**
 * A batch of a rolling deploy judged by the sequential engine's concurrent design: the hosts of batches 1..k against
 * the hosts not yet updated, from the end of batch 1 on (evidence carried across batches). Without a host left on the
 * old version it falls back as `baseline: auto` does, to the forecast from history (or the hour before).
 */
export class BatchJudge {
  private readonly batches: BatchEvidenceReader;
  private readonly history: SequentialEvidenceReader;

  constructor(reader: WindowReader) {
    this.batches = new BatchEvidenceReader(reader);
    this.history = new SequentialEvidenceReader(reader);
  }

  async judge(release: ReleaseRow, rule: Rule, spans: readonly BatchSpan[], index: number, total: number, candidateEnd: number, now: number): Promise<BatchJudgement> {
    const batch = spans.find((b) => b.index === index)!;
    const origin = Math.min(...spans.filter((b) => b.index <= index && b.windowStart !== null).map((b) => b.windowStart!));
    const deployStartedAt = Math.min(...spans.map((b) => b.startedAt));
    const segments = batchSegments(spans, index, origin, candidateEnd);
    const offset = Math.round((batch.windowStart! - origin) / MINUTE);
    const signals = batchSignals(rule);
    const alpha = signalAlpha(rule, rule.signals.filter((s) => isSequential(rule, s)));
    const checks: Check[] = [];
    let start = origin;
    const standings: SignalStanding[] = [];
    for (const signal of signals) {
      const scope = { service: release.service, environment: release.environment, routeLike: routeLike(signal.route) };
      const base: EvidenceScope = { ...scope, historyDays: rule.baseline.history_days, deployStartedAt, analysisStart: origin, candidateEnd };
      const settings = sequentialSettings(rule, signal, alpha);
      const history = await this.history.rateHistory(base);
      const evidence = await this.batches.read(scope, segments);
      const own = evidence.control.slice(offset);
      const ownControl = own.length === 0 || own.some((m) => m.exposure > 0);
      let result: SequentialResult | undefined;
      if (ownControl) {
        const concurrent = await this.batches.groupHistory(scope, evidence.finalGroups, deployStartedAt);
        const model = fitRateBaseline({ ...history, candidateStart: origin, concurrent }, settings);
        if (model.design === "concurrent" && model.concurrent) {
          const rho = model.concurrent.rho;
          // Each stretch of minutes against its own groups' usual ratio: exposures scaled by ρ_segment / ρ_now.
          const scale = async (c: string[], x: string[]) => (concurrent.exchangeable ? 1 : ((await this.batches.usualRatio(scope, { candidate: c, excluded: x }, deployStartedAt)) ?? rho) / rho);
          const scaled = await this.batches.read(scope, segments, scale);
          const maxMinutes = offset + Math.min(model.maxMinutes, settings.plan.maxMaxMinutes);
          const carried: RateEvidence = { ...history, candidate: scaled.candidate, candidateStart: origin, concurrent: { ...concurrent, control: scaled.control } };
          result = judgeRateSequential({ ...model, maxMinutes }, carried, { ...settings, plan: { ...settings.plan, firstLookMinutes: offset + BATCH_FIRST_LOOK_MINUTES } });
          result = { ...result, designReason: `${result.designReason}; the evidence runs from the end of batch 1 (${segments.length} stretch(es) of host groups)` };
        }
      }
      if (!result) {
        // No concurrent comparison: the updated hosts from this batch's end against the forecast, as `auto` falls back.
        start = batch.windowStart!;
        const hosts = evidence.finalGroups.candidate;
        const candidate = await this.history.candidateRates({ ...base, analysisStart: start, groups: { candidate: { hosts }, control: { excludeHosts: hosts } } });
        const model = fitRateBaseline({ ...history, candidateStart: start }, settings);
        result = judgeRateSequential(model, { ...history, candidate, candidateStart: start }, settings);
        const why = ownControl ? "" : "no host is left on the old version to compare with, so: ";
        result = { ...result, designReason: `${why}${result.designReason}` };
      }
      checks.push(explainSequential(signal, result, start));
      standings.push({ critical: signal.critical, weight: signal.weight, noData: signal.no_data, status: result.status, minutesUsed: result.minutesUsed, maxMinutes: result.maxMinutes, nextLookMinutes: result.nextLookMinutes });
    }
    const standing = combineSequential(standings, rule.thresholds);
    const iso = (t: number) => new Date(t).toISOString();
    const target = `${release.service} ${release.version} in ${release.environment}, batch ${index} of ${total}`;
    const decidedEnd = standing.final ? start + standing.decidedAtMinutes * MINUTE : candidateEnd;
    const design = checks[0]?.sequential;
    const label = design?.design === "concurrent"
      ? "the hosts not yet updated, over the same minutes (evidence carried from the end of batch 1)"
      : `a forecast from the service's own history: ${design?.design_reason ?? "no signal judged per batch"}`;
    const verdict: Verdict = {
      status: standing.status, score: standing.score, summary: summarizeSequential(target, standing, checks, start), checks, rule: rule.name,
      final: standing.final, windows: { baseline: { start: null, end: null, label }, analysis: { start: iso(start), end: iso(decidedEnd) } },
      evaluated_at: iso(now),
      ...(standing.decideByMinutes === null ? {} : { decide_by: iso(start + standing.decideByMinutes * MINUTE) }),
      ...(standing.nextLookMinutes === null ? {} : { next_look_at: iso(start + standing.nextLookMinutes * MINUTE) }),
    };
    const nextLookAt = standing.final ? null : start + (standing.nextLookMinutes ?? standing.decidedAtMinutes + 1) * MINUTE;
    const ownMinutes = await this.batches.trafficMinutes(release, batch.hosts, batch.windowStart!, candidateEnd);
    return { verdict, standing, nextLookAt, ownMinutes };
  }
}
