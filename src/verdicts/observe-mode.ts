import type { Rule } from "../rules/rule-schema.ts";
import type { Verdict } from "./verdict.ts";

const WOULD = { pass: "passed", warn: "warned", fail: "failed", hold: "been held" } as const;

/**
 * A rule in observe mode (Argo Rollouts' dryRun, Kayenta's muted) is judged in full, but the release passes: the
 * engine's answer is kept as `would_have`, so alerts, the dashboard and the backtest show what enforcing would do.
 * While analyzing the release stays due for looks; the gate view answers pass meanwhile.
 */
export function applyObserveMode<V extends Verdict>(verdict: V, rule: Rule): V {
  if (rule.mode !== "observe") return verdict;
  if (verdict.status === "analyzing") return { ...verdict, observe: true, would_have: "analyzing" };
  const would = verdict.status;
  const summary = `Observe only (rule ${rule.name}): would have ${WOULD[would]}. ${verdict.summary}`;
  return { ...verdict, status: "pass", observe: true, would_have: would, summary };
}
