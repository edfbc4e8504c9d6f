/** The shipped rule, the windows it implies, and the three judges built from them — the same in every worker. */
import { fileURLToPath } from "node:url";
import { formatProblems, loadRules } from "../../src/rules/rule-loader.ts";
import type { Rule } from "../../src/rules/rule-schema.ts";
import { EngineJudge } from "./engine-judge.ts";
import { KayentaStyleJudge } from "./kayenta-style-judge.ts";
import type { JudgePanel } from "./release-runner.ts";
import type { WindowPlan } from "./release-scenario.ts";
import { StaticThresholdJudge, type StaticThresholds } from "./static-threshold-judge.ts";
import { typicalP95 } from "./traffic-model.ts";

export const RULES_DIR = fileURLToPath(new URL("../../rules", import.meta.url));
export const RULE_NAME = "default";

export function loadShippedRule(): Rule {
  const loaded = loadRules(RULES_DIR);
  if (!loaded.ok) throw new Error(`rules/ does not load:\n${formatProblems(loaded.problems)}`);
  const rule = loaded.rules.find((r) => r.name === RULE_NAME);
  if (!rule) throw new Error(`no rule named '${RULE_NAME}' in ${RULES_DIR}`);
  return rule;
}

export function planOf(rule: Rule): WindowPlan {
  if (rule.baseline.kind !== "before_deploy" || rule.analysis.delay_minutes !== 0) {
    throw new Error("the benchmark lays windows out as before_deploy with no warm-up delay");
  }
  return {
    historyMinutes: rule.baseline.history_minutes,
    baselineMinutes: rule.baseline.minutes,
    analysisMinutes: rule.analysis.minutes,
    intervalMinutes: rule.analysis.interval_minutes,
    earlyFailAfter: rule.analysis.early_fail_after,
  };
}

/** Success rate ≥ 99 %, p95 ≤ 1.5 × a typical baseline p95, and Argo's failureLimit: 1 (the second failed measurement fails). */
export const STATIC_THRESHOLDS: StaticThresholds = { maxErrorRate: 0.01, maxP95Ms: Math.round(1.5 * typicalP95()), failureLimit: 1 };

export function buildPanel(rule: Rule): JudgePanel {
  const plan = planOf(rule);
  return { rule, engine: new EngineJudge(rule, plan), static: new StaticThresholdJudge(STATIC_THRESHOLDS, plan), kayenta: new KayentaStyleJudge(plan) };
}
