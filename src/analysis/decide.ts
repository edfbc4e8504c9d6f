import type { Alternative } from "./rate-test.ts";
import type { CheckStatus, Classification, Direction, EffectFloor, SignalSettings, SignalStats } from "./signal-result.ts";

export function alternativeFor(direction: Direction): Alternative {
  return direction === "increase" ? "greater" : direction === "decrease" ? "less" : "two-sided";
}

/** The change measured in the bad direction (positive = worse), relative and absolute. */
function badChange(stats: SignalStats, direction: Direction): { relative: number; absolute: number } {
  const sign = direction === "decrease" ? -1 : 1;
  if (direction === "either") return { relative: Math.abs(stats.relativeChange), absolute: Math.abs(stats.absoluteChange) };
  return { relative: sign * stats.relativeChange, absolute: sign * stats.absoluteChange };
}

function beyond(change: { relative: number; absolute: number }, floor: EffectFloor): boolean {
  return change.relative >= floor.relative && change.absolute >= floor.absolute;
}

function overLimit(stats: SignalStats, s: SignalSettings): boolean {
  if (s.limit === undefined) return false;
  return s.direction === "decrease" ? stats.candidateValue < s.limit : stats.candidateValue > s.limit;
}

export interface Decision {
  status: CheckStatus;
  classification: Classification;
  significant: boolean;
  overLimit: boolean;
}

/**
 * A signal fails only when the change is both significant (after the multiple-testing correction, qValue) and larger
 * than the rule's effect floor, so tiny but significant shifts pass; a hard limit fails regardless.
 */
export function decide(stats: SignalStats, qValue: number, s: SignalSettings): Decision {
  const significant = qValue < 1 - s.confidence;
  const change = badChange(stats, s.direction);
  const limitHit = overLimit(stats, s);
  const classification: Classification =
    significant && stats.relativeChange > 0 ? "high" : significant && stats.relativeChange < 0 ? "low" : "pass";
  let status: CheckStatus = "pass";
  if (limitHit || (significant && beyond(change, s.fail))) status = "fail";
  else if (significant && s.warn && beyond(change, s.warn)) status = "warn";
  return { status, classification, significant, overLimit: limitHit };
}
