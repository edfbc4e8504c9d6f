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
  /** What the decision rests on: the typical shift, or the slow tail (same median, more slow requests). */
  driver: "shift" | "tail";
}

function statusOf(change: { relative: number; absolute: number }, significant: boolean, s: SignalSettings): CheckStatus {
  if (significant && beyond(change, s.fail)) return "fail";
  if (significant && s.warn && beyond(change, s.warn)) return "warn";
  return "pass";
}

const RANK: Record<CheckStatus, number> = { pass: 0, nodata: 0, error: 0, warn: 1, fail: 2 };

/**
 * A signal fails only when the change is both significant (after the multiple-testing correction, qValue) and larger
 * than the rule's effect floor, so tiny but significant shifts pass; a hard limit fails regardless.
 */
export function decide(stats: SignalStats, qValue: number, s: SignalSettings): Decision {
  const alpha = 1 - s.confidence;
  // The correction across signals scaled the signal's p-value by some factor; each finding inside it gets the same.
  const factor = stats.pValue > 0 ? qValue / stats.pValue : 1;
  const mainQ = Math.min(1, (stats.mainPValue ?? stats.pValue) * factor);
  const limitHit = overLimit(stats, s);
  let status = limitHit ? "fail" : statusOf(badChange(stats, s.direction), mainQ < alpha, s);
  let driver: Decision["driver"] = "shift";
  let significant = mainQ < alpha;
  let relative = stats.relativeChange;
  if (stats.tail) {
    const tailQ = Math.min(1, stats.tail.pValue * factor);
    const tailStatus = statusOf(badChange({ ...stats, ...stats.tail }, s.direction), tailQ < alpha, s);
    if (RANK[tailStatus] > RANK[status]) {
      status = tailStatus;
      driver = "tail";
      relative = stats.tail.relativeChange;
    }
    significant ||= tailQ < alpha;
  }
  const classification: Classification = significant && relative > 0 ? "high" : significant && relative < 0 ? "low" : "pass";
  return { status, classification, significant, overLimit: limitHit, driver };
}
