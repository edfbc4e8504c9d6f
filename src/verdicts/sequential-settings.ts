import { ERROR_PLAN, LATENCY_PLAN } from "../analysis/sequential/look-plan.ts";
import type { SequentialSettings } from "../analysis/sequential/sequential-types.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";

/** The miss budget at a signal's detect floor (issue 11: 5 %). */
export const MISS_BUDGET = 0.05;

/**
 * The release's false-fail budget (1 − confidence) split evenly over its critical sequential signals (0.5 % each for
 * the default rule's two), so no signal's findings leak into another's budget.
 */
export function signalAlpha(rule: Rule, sequentialSignals: readonly SignalRule[]): number {
  return (1 - rule.confidence) / Math.max(1, sequentialSignals.filter((s) => s.critical).length);
}

/**
 * A rule's signal as the sequential engine takes it. Latency's `detect` is a ratio of the share of requests slower
 * than the pre-deploy p95 (default: a rise by half), while its fail floor is on the p95 itself.
 */
export function sequentialSettings(rule: Rule, signal: SignalRule, alpha: number): SequentialSettings {
  const latency = signal.kind === "latency";
  const base = latency ? LATENCY_PLAN : ERROR_PLAN;
  return {
    direction: signal.direction, fail: signal.fail, warn: signal.warn,
    detect: signal.detect ?? (latency ? { relative: 0.5, absolute: 0 } : { relative: Math.max(1, signal.fail.relative), absolute: signal.fail.absolute }),
    minSamples: signal.min_samples, alpha, beta: MISS_BUDGET,
    plan: { ...base, maxMaxMinutes: Math.min(base.maxMaxMinutes, rule.analysis.max_minutes) },
  };
}
