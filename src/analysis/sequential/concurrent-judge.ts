/**
 * Phase 2 of the concurrent design: the new version's hosts against the hosts still on the old version, minute by
 * minute over the same minutes, with the mixture SPRT of Lindon, Sanden & Shirikian (KDD 2022). The wander the groups
 * share cancels; what the groups do not share is τ²_g from concurrent-fit.ts, which the caller compares with the
 * forecast's wander to choose the design.
 */
import type { EffectFloor } from "../signal-result.ts";
import { concurrentBudgets, type ConcurrentModel } from "./concurrent-fit.ts";
import { concurrentStats, observedChange, CONCURRENT_INTERVAL_LEVEL } from "./concurrent-stats.ts";
import type { GroupTotals } from "./host-ratio.ts";
import { createMixture, logMixture, updateMixture, type MixtureState } from "./mixture-sprt.ts";
import type { MinuteCounts, SequentialResult, SequentialSettings, SequentialStatus } from "./sequential-types.ts";

export { fitConcurrent, type ConcurrentModel } from "./concurrent-fit.ts";

/** The size of the change over the first `minutes` minutes, when it is not the count ratio (latency: the p95 ratio). */
export type ChangeSize = (minutes: number) => { relative: number; absolute: number } | undefined;

type Bad = "increase" | "decrease";

function floorsHold(change: { relative: number; absolute: number }, floor: EffectFloor, bad: Bad): boolean {
  return bad === "increase"
    ? change.relative >= floor.relative && change.absolute >= floor.absolute
    : change.relative <= -floor.relative && change.absolute <= -floor.absolute;
}

const times = (x: number) => (Number.isFinite(x) ? `×${x.toFixed(2)}` : "far above");

/**
 * Judges every minute up to the data there is (at most maxMinutes) and stops at the first decisive one. Fail: a bad
 * side's mixture (θ0 = 1, against ρ's conservative bound) reaches 1/α and the fail floors hold — allowed from the first
 * minute, since the test is valid at every look. Pass, from plan.firstLookMinutes: every pass side's mixture (θ0 = the
 * detect floor, against ρ's other bound) reaches 1/β; a real rise below the detect floor that meets the warn floors is
 * a warn instead. `size`, when given, replaces the count ratio in the floor checks; undefined means "no size yet".
 */
export function judgeConcurrent(
  model: ConcurrentModel,
  candidate: readonly MinuteCounts[],
  control: readonly MinuteCounts[],
  settings: SequentialSettings,
  maxMinutes: number,
  size?: ChangeSize,
): SequentialResult {
  const designReason = model.exchangeable
    ? "the new version was compared with a fresh group of old-version hosts over the same minutes"
    : `the new version was compared with the hosts still on the old version over the same minutes, against their usual ratio over the last ${Math.round(model.historyMinutes / 60)} h`;
  const base = { design: "concurrent" as const, designReason, lowAssurance: false, maxMinutes, intervalLevel: CONCURRENT_INTERVAL_LEVEL };
  const extra = { rho: model.rho, rhoLow: model.rhoLow, rhoHigh: model.rhoHigh, groupTau2: model.groupTau2 };
  const totals: GroupTotals = { candidateEvents: 0, candidateExposure: 0, controlEvents: 0, controlExposure: 0 };
  const bads: Bad[] = settings.direction === "either" ? ["increase", "decrease"] : [settings.direction];
  const budgets = concurrentBudgets(settings, model.exchangeable);
  const failBar = Math.log(1 / budgets.failLevel), passBar = Math.log(1 / budgets.passLevel);

  const result = (status: SequentialStatus, minutes: number, failLog: number, passLog: number, why: string): SequentialResult => ({
    ...base, status, minutesUsed: minutes, why,
    nextLookMinutes: status === "continue" ? Math.min(minutes + 1, maxMinutes) : null,
    stats: concurrentStats({
      totals: { ...totals }, rho: model.rho, minutes, logMixtureFail: failLog, logMixturePass: passLog,
      failSides: bads.length, extra: { ...extra, failThreshold: failBar, passThreshold: passBar },
    }),
  });
  if (model.unavailable !== undefined) return result("nodata", 0, 0, 0, model.unavailable);

  const detect = (bad: Bad) => (bad === "increase" ? 1 + settings.detect.relative : Math.max(1e-6, 1 - settings.detect.relative));
  const fails: MixtureState[] = bads.map((bad) =>
    createMixture(1, bad === "increase" ? "above" : "below", bad === "increase" ? model.rhoHigh : model.rhoLow));
  const passes: MixtureState[] = bads.map((bad) =>
    createMixture(detect(bad), bad === "increase" ? "below" : "above", bad === "increase" ? model.rhoLow : model.rhoHigh));
  const available = Math.min(candidate.length, control.length, maxMinutes);
  const detectText = bads.map((b) => times(detect(b))).join(" or ");
  let failLog = 0, passLog = 0;

  for (let t = 1; t <= available; t++) {
    const c = candidate[t - 1]!, k = control[t - 1]!;
    for (const m of [...fails, ...passes]) updateMixture(m, c, k);
    totals.candidateEvents += c.events; totals.candidateExposure += c.exposure;
    totals.controlEvents += k.events; totals.controlExposure += k.exposure;
    const failLogs = fails.map(logMixture);
    failLog = Math.max(...failLogs);
    passLog = Math.min(...passes.map(logMixture));
    if (totals.candidateExposure < settings.minSamples || totals.controlExposure <= 0) {
      if (t === maxMinutes) return result("nodata", t, failLog, passLog, `only ${totals.candidateExposure} requests on the new version in ${t} minutes`);
      continue;
    }
    const counted = observedChange(totals, model.rho);
    const change = size ? size(t) : counted;
    const significant = bads.filter((_, i) => failLogs[i]! >= failBar);
    const summary = `${totals.candidateEvents} events on the new version against ${totals.controlEvents} on the old, ${times(1 + counted.relative)} of the usual ratio`;
    if (change && significant.some((bad) => floorsHold(change, settings.fail, bad)))
      return result("fail", t, failLog, passLog, `after ${t} minutes: ${summary}; a difference this large would appear by chance in under 1 in ${Math.round(1 / budgets.failLevel)} comparisons`);
    const warned = change !== undefined && settings.warn !== undefined && significant.some((bad) => floorsHold(change, settings.warn!, bad));
    if (t >= settings.plan.firstLookMinutes && passLog >= passBar)
      return result(warned ? "warn" : "pass", t, failLog, passLog, warned
        ? `after ${t} minutes: ${summary}; a real change, but smaller than ${detectText}`
        : `after ${t} minutes: ${summary}; a change of ${detectText} is ruled out`);
    if (t === maxMinutes)
      return result(warned ? "warn" : "hold", t, failLog, passLog, warned
        ? `after ${t} minutes (the maximum): ${summary}; a real change, not shown to be ${detectText}`
        : `after ${t} minutes (the maximum): ${summary}; still neither a clear change nor enough to rule out ${detectText}`);
  }
  const why = totals.candidateExposure < settings.minSamples
    ? `only ${totals.candidateExposure} requests on the new version so far`
    : `${totals.candidateEvents} events on the new version against ${totals.controlEvents} on the old after ${available} minutes: not decisive yet`;
  return result("continue", available, failLog, passLog, why);
}
