import type { RuleProblem } from "../rules/rule-loader.ts";
import type { Rule } from "../rules/rule-schema.ts";

/** Rules are refused when they ask for a signed rollback webhook the configuration cannot sign. */
export function rollbackRuleCheck(rollbackSecret: string | undefined): (rules: readonly Rule[]) => RuleProblem[] {
  return (rules) => {
    if (rollbackSecret) return [];
    return rules
      .filter((r) => r.actions.rollback?.webhook)
      .map((r) => ({
        file: `rule '${r.name}'`,
        path: "actions.rollback.webhook",
        message: "set DEPLOY_GUARD_ROLLBACK_SECRET in the environment to sign rollback webhooks (secrets never go in a rule file)",
      }));
  };
}
