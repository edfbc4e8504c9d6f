/** The numbers a concurrent comparison reports at a look, in the engine's common SignalStats shape. */
import { betaQuantile } from "../beta-distribution.ts";
import type { SignalStats } from "../signal-result.ts";
import type { GroupTotals } from "./host-ratio.ts";

export const CONCURRENT_METHOD = "mixture SPRT, new version vs old version over the same minutes";
export const CONCURRENT_INTERVAL_LEVEL = 0.95;

/**
 * Two-sided Clopper–Pearson interval for θ = (candidate rate ÷ control rate) ÷ ρ from the conditional binomial of the
 * pooled counts, given ρ (exact when the groups' share of traffic is steady, close when it moves).
 */
export function ratioInterval(t: GroupTotals, rho: number, level = CONCURRENT_INTERVAL_LEVEL): { low: number; high: number } {
  const tail = (1 - level) / 2, c = t.candidateEvents, d = t.controlEvents;
  const toTheta = (share: number) => (share >= 1 ? Infinity : (share / (1 - share)) * (t.controlExposure / t.candidateExposure) / rho);
  return {
    low: c > 0 ? toTheta(betaQuantile(tail, c, d + 1)) : 0,
    high: d > 0 ? toTheta(betaQuantile(1 - tail, c + 1, d)) : Infinity,
  };
}

/** The change the look sees: candidate rate against ρ × control rate, as a ratio − 1 and in the signal's unit. */
export function observedChange(t: GroupTotals, rho: number): { baseline: number; candidate: number; relative: number; absolute: number } {
  const candidate = t.candidateExposure > 0 ? t.candidateEvents / t.candidateExposure : 0;
  const baseline = t.controlExposure > 0 ? (rho * t.controlEvents) / t.controlExposure : 0;
  const relative = baseline > 0 ? candidate / baseline - 1 : candidate > 0 ? Infinity : 0;
  return { baseline, candidate, relative, absolute: candidate - baseline };
}

export interface LookNumbers {
  totals: GroupTotals;
  rho: number;
  minutes: number;
  /** log mixture of the fail side (the larger of two sides) and of the pass side (the smaller: every side must pass). */
  logMixtureFail: number;
  logMixturePass: number;
  /** How many fail sides share alpha (2 for a two-sided signal). */
  failSides: number;
  extra: Record<string, number>;
}

export function concurrentStats(look: LookNumbers): SignalStats {
  const change = observedChange(look.totals, look.rho);
  const interval = look.totals.candidateExposure > 0 && look.totals.controlExposure > 0
    ? ratioInterval(look.totals, look.rho)
    : { low: 0, high: Infinity };
  return {
    method: CONCURRENT_METHOD,
    baselineValue: change.baseline,
    candidateValue: change.candidate,
    baselineN: look.totals.controlExposure,
    candidateN: look.totals.candidateExposure,
    absoluteChange: change.absolute,
    relativeChange: change.relative,
    ciLow: interval.low - 1,
    ciHigh: interval.high - 1,
    // Anytime-valid p-value: by Ville's inequality P(sup M ≥ 1/p) ≤ p, so 1/M is valid at whatever look we stop.
    pValue: Math.min(1, look.failSides * Math.exp(-look.logMixtureFail)),
    details: {
      ...look.extra,
      logMixtureFail: look.logMixtureFail,
      logMixturePass: look.logMixturePass,
      minutes: look.minutes,
      candidateEvents: look.totals.candidateEvents,
      controlEvents: look.totals.controlEvents,
    },
  };
}
