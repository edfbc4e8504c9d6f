/** The shipped rule, the windows the benchmark lays out, and the three judges — the same in every worker. */
import { fileURLToPath } from "node:url";
import { ERROR_PLAN, LATENCY_PLAN } from "../../src/analysis/sequential/look-plan.ts";
import { formatProblems, loadRules } from "../../src/rules/rule-loader.ts";
import type { Rule } from "../../src/rules/rule-schema.ts";
import { KayentaStyleJudge } from "./kayenta-style-judge.ts";
import type { WindowPlan } from "./release-scenario.ts";
import type { SequentialEngineJudge } from "./sequential-engine-judge.ts";
import { StaticThresholdJudge, type StaticThresholds } from "./static-threshold-judge.ts";
import { typicalP95 } from "./traffic-model.ts";

export const RULES_DIR = fileURLToPath(new URL("../../rules", import.meta.url));
export const RULE_NAME = "default";

export interface JudgePanel {
  rule: Rule;
  /** Undefined while the sequential engine's modules are not in the tree yet: its columns print "–". */
  engine: SequentialEngineJudge | undefined;
  engineMissing?: string;
  static: StaticThresholdJudge;
  kayenta: KayentaStyleJudge;
}

export function loadShippedRule(): Rule {
  const loaded = loadRules(RULES_DIR);
  if (!loaded.ok) throw new Error(`rules/ does not load:\n${formatProblems(loaded.problems)}`);
  const rule = loaded.rules.find((r) => r.name === RULE_NAME);
  if (!rule) throw new Error(`no rule named '${RULE_NAME}' in ${RULES_DIR}`);
  return rule;
}

/** The sequential engine's longest windows, and the rule's fixed window and checks for the two comparison judges. */
export function planOf(rule: Rule): WindowPlan {
  return {
    baselineMinutes: 60,
    analysisMinutes: ERROR_PLAN.maxMaxMinutes,
    latencyMinutes: LATENCY_PLAN.maxMaxMinutes,
    fixedMinutes: rule.analysis.minutes,
    intervalMinutes: rule.analysis.interval_minutes,
    earlyFailAfter: rule.analysis.early_fail_after,
  };
}

/** Success rate ≥ 99 %, p95 ≤ 1.5 × a typical baseline p95, and Argo's failureLimit: 1 (the second failed measurement fails). */
export const STATIC_THRESHOLDS: StaticThresholds = { maxErrorRate: 0.01, maxP95Ms: Math.round(1.5 * typicalP95()), failureLimit: 1 };

export async function buildPanel(rule: Rule): Promise<JudgePanel> {
  const plan = planOf(rule);
  const comparators = { rule, static: new StaticThresholdJudge(STATIC_THRESHOLDS, plan), kayenta: new KayentaStyleJudge(plan) };
  try {
    const { SequentialEngineJudge } = await import("./sequential-engine-judge.ts");
    return { ...comparators, engine: new SequentialEngineJudge(rule) };
  } catch (err) {
    return { ...comparators, engine: undefined, engineMissing: err instanceof Error ? err.message.split("\n")[0]! : String(err) };
  }
}
