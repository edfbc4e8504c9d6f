import { ERROR_PLAN } from "../analysis/sequential/look-plan.ts";
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
    // Sequential: the longest the window may grow; the verdict's own end is where its decision was made.
    analysisEnd: analysisStart + (rule.analysis.mode === "sequential" ? Math.max(rule.analysis.max_minutes, rule.analysis.minutes) : rule.analysis.minutes) * MINUTE,
  };
}

/** When the next evaluation is due: the next interim check, or the end of the window plus the ingest grace. */
export function nextCheckAt(rule: Pick<Rule, "analysis">, windows: ReleaseWindows, now: number, graceMs: number): number {
  // Sequential: the first look, after 10 minutes of data (a replayed deploy whose minutes are stored is judged at once).
  if (rule.analysis.mode === "sequential") return Math.max(now, windows.analysisStart + ERROR_PLAN.firstLookMinutes * MINUTE + graceMs);
  const finalAt = windows.analysisEnd + graceMs;
  const interim = Math.max(now, windows.analysisStart) + rule.analysis.interval_minutes * MINUTE;
  return Math.min(interim, finalAt);
}
