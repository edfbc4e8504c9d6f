/**
 * Phase 1 of the concurrent design: what the candidate group and the control group look like with no release (their
 * usual ratio ρ with exact bounds, and their A/A wander), and how the signal's error budgets are split between the
 * bound on ρ and the sequential test.
 */
import type { SequentialSettings, MinuteCounts } from "./sequential-types.ts";
import {
  MIN_RATIO_HISTORY_MINUTES, alignedTail, groupTotals, groupWander, jointHistoryMinutes, ratioBounds,
} from "./host-ratio.ts";

export interface ConcurrentModel {
  /** The candidate group's usual rate ÷ the control group's (1 when exchangeable). */
  rho: number;
  rhoLow: number;
  rhoHigh: number;
  /** Group-vs-group wander of the 30-minute log ratio beyond Poisson noise; 0 with fewer than 8 A/A windows. */
  groupTau2: number;
  /** A/A windows behind groupTau2 (0 when exchangeable: nothing to measure it on). */
  pairs: number;
  historyMinutes: number;
  /** ρ = 1 taken as given (a fresh baseline group on the old version), not measured. */
  exchangeable: boolean;
  /** Set when the groups cannot be compared: judgeConcurrent answers "nodata" with this reason. */
  unavailable?: string;
}

/**
 * Share of each budget spent on the bound on ρ; the rest goes to the sequential test. The review's split at a 1 %
 * false-fail budget is 0.25 % + 0.75 % and, at a 5 % miss budget, 1 % + 4 %: scaled here to the signal's alpha and beta.
 */
export const RHO_SHARE_OF_ALPHA = 0.25;
export const RHO_SHARE_OF_BETA = 0.2;

export interface ConcurrentBudgets {
  /** Level of each fail-side mixture (per bad direction: a two-sided signal halves alpha). */
  failLevel: number;
  /** Level of each pass-side mixture (intersection–union: every side must pass at this level). */
  passLevel: number;
  /** One-sided levels of ρ's bounds. */
  rhoHighLevel: number;
  rhoLowLevel: number;
}

export function concurrentBudgets(settings: SequentialSettings, exchangeable: boolean): ConcurrentBudgets {
  const perSide = settings.direction === "either" ? settings.alpha / 2 : settings.alpha;
  const rhoFail = perSide * RHO_SHARE_OF_ALPHA, rhoPass = settings.beta * RHO_SHARE_OF_BETA;
  // A rise is failed against ρ's upper bound and passed against its lower one; a drop the other way round.
  const rhoHighLevel = settings.direction === "increase" ? rhoFail : settings.direction === "decrease" ? rhoPass : Math.min(rhoFail, rhoPass);
  const rhoLowLevel = settings.direction === "increase" ? rhoPass : settings.direction === "decrease" ? rhoFail : Math.min(rhoFail, rhoPass);
  return {
    failLevel: exchangeable ? perSide : perSide - rhoFail,
    passLevel: exchangeable ? settings.beta : settings.beta - rhoPass,
    rhoHighLevel,
    rhoLowLevel,
  };
}

const exchangeableModel = (historyMinutes: number): ConcurrentModel => ({
  rho: 1, rhoLow: 1, rhoHigh: 1, groupTau2: 0, pairs: 0, historyMinutes, exchangeable: true,
});

const unavailable = (why: string, historyMinutes: number): ConcurrentModel => ({
  rho: NaN, rhoLow: NaN, rhoHigh: NaN, groupTau2: NaN, pairs: 0, historyMinutes, exchangeable: false, unavailable: why,
});

/**
 * Fits ρ and τ²_g from both groups' history, aligned at its end (the deploy's start). Under 24 h of joint history, or
 * no events in one group's history, ρ cannot be measured: the groups are then taken as exchangeable (ρ = 1) only when
 * the caller says so — a fresh old-version group created with the canary — and are otherwise unavailable.
 */
export function fitConcurrent(
  candidateHistory: readonly MinuteCounts[],
  controlHistory: readonly MinuteCounts[],
  settings: SequentialSettings,
  exchangeable = false,
): ConcurrentModel {
  const minutes = jointHistoryMinutes(candidateHistory, controlHistory);
  const candidate = alignedTail(candidateHistory, minutes), control = alignedTail(controlHistory, minutes);
  const totals = groupTotals(candidate, control);
  let why: string | undefined;
  if (minutes < MIN_RATIO_HISTORY_MINUTES)
    why = `only ${(minutes / 60).toFixed(1)} h of history with both groups serving; their usual ratio needs 24 h`;
  else if (totals.candidateEvents === 0 || totals.controlEvents === 0)
    why = `no events in the ${totals.candidateEvents === 0 ? "candidate" : "control"} group's last ${(minutes / 60).toFixed(0)} h, so their usual ratio is unknown`;
  if (why !== undefined) return exchangeable ? exchangeableModel(minutes) : unavailable(why, minutes);
  const budgets = concurrentBudgets(settings, false);
  const bounds = ratioBounds(totals, budgets.rhoHighLevel, budgets.rhoLowLevel);
  const wander = groupWander(candidate, control, bounds.rho);
  return { ...bounds, groupTau2: wander.tau2, pairs: wander.pairs, historyMinutes: minutes, exchangeable: false };
}
