/**
 * What the two groups of a concurrent comparison look like with no release: the candidate group's usual rate relative
 * to the control group's (ρ, the difference-in-differences baseline) and how far that ratio wanders from window to
 * window (τ²_g). Both from the groups' own per-minute history before the deploy, aligned at its end.
 */
import { betaQuantile } from "../beta-distribution.ts";
import { MIN_WANDER_PAIRS } from "../window-wander.ts";
import type { MinuteCounts } from "./sequential-types.ts";

/** ρ needs a full daily cycle of both groups, so that it is not one hour's coincidence. */
export const MIN_RATIO_HISTORY_MINUTES = 24 * 60;
/** A/A windows of the group-vs-group wander: 30 minutes, one every 30 minutes. */
export const GROUP_WANDER_WINDOW_MINUTES = 30;

export interface RatioBounds {
  rho: number;
  /** One-sided upper bound at 1 − alphaHigh and lower bound at 1 − alphaLow. */
  rhoHigh: number;
  rhoLow: number;
}

/** Both groups' totals over a span of minutes. */
export interface GroupTotals {
  candidateEvents: number;
  candidateExposure: number;
  controlEvents: number;
  controlExposure: number;
}

/**
 * Exact one-sided Clopper–Pearson bounds (Clopper & Pearson 1934) on the candidate's share of events given the total,
 * mapped to the rate ratio ρ = (c/a)/(d/b) as R's poisson.test does; port of ratio_bounds in the review's seqlib.py.
 */
export function ratioBounds(t: GroupTotals, alphaHigh: number, alphaLow: number): RatioBounds {
  const c = t.candidateEvents, d = t.controlEvents;
  const toRatio = (share: number) => (share >= 1 ? Infinity : (share / (1 - share)) * (t.controlExposure / t.candidateExposure));
  const high = d > 0 ? toRatio(betaQuantile(1 - alphaHigh, c + 1, d)) : Infinity;
  const low = c > 0 ? toRatio(betaQuantile(alphaLow, c, d + 1)) : 0;
  const rho = d > 0 ? c / t.candidateExposure / (d / t.controlExposure) : Infinity;
  return { rho, rhoHigh: high, rhoLow: low };
}

/** The last `minutes` of both histories, aligned at their end (the minute the deploy started). */
export function alignedTail(history: readonly MinuteCounts[], minutes: number): readonly MinuteCounts[] {
  return history.slice(history.length - minutes);
}

/**
 * Minutes from the first one in which both groups served traffic to the end of the shorter history: how much
 * history ρ rests on.
 */
export function jointHistoryMinutes(candidate: readonly MinuteCounts[], control: readonly MinuteCounts[]): number {
  const n = Math.min(candidate.length, control.length);
  const c = alignedTail(candidate, n), d = alignedTail(control, n);
  for (let i = 0; i < n; i++) if (c[i]!.exposure > 0 && d[i]!.exposure > 0) return n - i;
  return 0;
}

export function groupTotals(candidate: readonly MinuteCounts[], control: readonly MinuteCounts[]): GroupTotals {
  const t: GroupTotals = { candidateEvents: 0, candidateExposure: 0, controlEvents: 0, controlExposure: 0 };
  candidate.forEach((m, i) => {
    const k = control[i]!;
    t.candidateEvents += m.events;
    t.candidateExposure += m.exposure;
    t.controlEvents += k.events;
    t.controlExposure += k.exposure;
  });
  return t;
}

export interface GroupWander {
  /** Extra variance of the 30-minute log ratio of the groups' rates around log ρ, beyond Poisson noise. */
  tau2: number;
  /** A/A windows the estimate rests on (fewer than MIN_WANDER_PAIRS: τ² unknown, reported as 0). */
  pairs: number;
}

/**
 * Group-vs-group A/A wander: in each 30-minute window of history, log(candidate rate ÷ control rate) − log ρ, whose
 * mean square minus the mean Poisson variance is τ²_g — the DerSimonian & Laird (1986) moment estimate, as
 * window-wander.ts. Large τ²_g means per-host wander the per-minute test cannot see: the caller should fall back.
 */
export function groupWander(candidate: readonly MinuteCounts[], control: readonly MinuteCounts[], rho: number): GroupWander {
  const n = Math.min(candidate.length, control.length);
  const c = alignedTail(candidate, n), d = alignedTail(control, n);
  let squares = 0, noise = 0, pairs = 0;
  for (let end = n; end >= GROUP_WANDER_WINDOW_MINUTES; end -= GROUP_WANDER_WINDOW_MINUTES) {
    const w = groupTotals(c.slice(end - GROUP_WANDER_WINDOW_MINUTES, end), d.slice(end - GROUP_WANDER_WINDOW_MINUTES, end));
    if (w.candidateExposure <= 0 || w.controlExposure <= 0 || w.candidateEvents + w.controlEvents === 0) continue;
    // ½ on both counts (Haldane–Anscombe) keeps a window without events finite, as window-wander.ts does.
    const ec = w.candidateEvents + 0.5, ed = w.controlEvents + 0.5;
    squares += (Math.log(ec / w.candidateExposure) - Math.log(ed / w.controlExposure) - Math.log(rho)) ** 2;
    noise += 1 / ec + 1 / ed;
    pairs++;
  }
  if (pairs < MIN_WANDER_PAIRS) return { tau2: 0, pairs };
  return { tau2: Math.max(0, (squares - noise) / pairs), pairs };
}
