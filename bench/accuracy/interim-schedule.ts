/** The fixed-window judges' schedule: the analysis window as a sequence of checks, and two ways checks become a verdict. */
import type { WindowPlan } from "./release-scenario.ts";

export type JudgeStatus = "pass" | "warn" | "fail" | "hold";

export interface Outcome {
  status: JudgeStatus;
  /** Minutes after the deploy at which the verdict was reached (early fail, or the end of the window). */
  decidedAt: number;
}

/** Minutes after the deploy at which checks run: every interval, and the end of the fixed window. */
export function checkpoints(plan: WindowPlan): number[] {
  const out: number[] = [];
  for (let t = plan.intervalMinutes; t < plan.fixedMinutes; t += plan.intervalMinutes) out.push(t);
  out.push(plan.fixedMinutes);
  return out;
}

/** Each check judges the window so far; `earlyFailAfter` failing checks in a row end it as a fail; else the last check. */
export function runConsecutive<T extends { status: JudgeStatus }>(plan: WindowPlan, check: (minutes: number) => T): { outcome: Outcome; last: T } {
  let streak = 0;
  let last: T | undefined;
  for (const t of checkpoints(plan)) {
    last = check(t);
    streak = last.status === "fail" ? streak + 1 : 0;
    if (streak >= plan.earlyFailAfter || (last.status === "fail" && t === plan.fixedMinutes)) return { outcome: { status: "fail", decidedAt: t }, last };
  }
  return { outcome: { status: last!.status, decidedAt: plan.fixedMinutes }, last: last! };
}

/**
 * Argo Rollouts' AnalysisRun: a measurement every interval over the last interval only; the run fails once more than
 * `failureLimit` measurements failed, in a row or not, and succeeds otherwise.
 */
export function runFailureLimit(plan: WindowPlan, failureLimit: number, measure: (from: number, to: number) => boolean): Outcome {
  let failures = 0, from = 0;
  for (const t of checkpoints(plan)) {
    if (!measure(from, t)) failures++;
    from = t;
    if (failures > failureLimit) return { status: "fail", decidedAt: t };
  }
  return { status: "pass", decidedAt: plan.fixedMinutes };
}
