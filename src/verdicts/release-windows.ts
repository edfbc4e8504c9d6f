import type { Rule } from "../rules/rule-schema.ts";

const MINUTE = 60_000;

export interface ReleaseWindows {
  baselineStart: number;
  baselineEnd: number;
  analysisStart: number;
  analysisEnd: number;
}

export const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;
export const ceilMinute = (t: number) => Math.ceil(t / MINUTE) * MINUTE;

/**
 * Baseline: the whole minutes before the deploy started; analysis: the whole minutes after it finished (plus warm-up).
 * Minutes that straddle the deploy belong to neither side, so old and new traffic never mix.
 */
export function computeWindows(rule: Pick<Rule, "baseline" | "analysis">, startedAt: number, finishedAt: number): ReleaseWindows {
  const baselineEnd = floorMinute(startedAt);
  const analysisStart = ceilMinute(finishedAt) + rule.analysis.delay_minutes * MINUTE;
  return {
    baselineStart: baselineEnd - rule.baseline.minutes * MINUTE,
    baselineEnd,
    analysisStart,
    analysisEnd: analysisStart + rule.analysis.minutes * MINUTE,
  };
}

/** When the next evaluation is due: the next interim check, or the end of the window plus the ingest grace. */
export function nextCheckAt(rule: Pick<Rule, "analysis">, windows: ReleaseWindows, now: number, graceMs: number): number {
  const finalAt = windows.analysisEnd + graceMs;
  const interim = Math.max(now, windows.analysisStart) + rule.analysis.interval_minutes * MINUTE;
  return Math.min(interim, finalAt);
}
