import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { RuleProblem } from "../rules/rule-loader.ts";
import type { Rule } from "../rules/rule-schema.ts";
import { notConfigured, SOURCE_INFO } from "./source-info.ts";

/** One line per signal whose source this configuration cannot read: valid rules, but judged as no data. */
export function unconfiguredSignals(rules: readonly Rule[], config: Config): string[] {
  return rules.flatMap((rule) => [
    ...rule.signals
      .filter((s) => !SOURCE_INFO[s.source].configured(config))
      .map((s) => `rule '${rule.name}', signal '${s.name}': ${notConfigured(s.source)}; it will be judged as missing data (no_data: ${s.no_data})`),
    ...(rule.capacity ? [rule.capacity.reads.resource, ...rule.capacity.reads.volumes] : [])
      .filter((s) => !SOURCE_INFO[s.source].configured(config))
      .map((s) => `rule '${rule.name}', capacity series '${s.name}': ${notConfigured(s.source)}; its capacity comparison will be no data`),
  ]);
}

/** Wraps a rule check so every load and reload also logs the signals no configured source can read. */
export function withSourceWarnings(check: (rules: readonly Rule[]) => RuleProblem[], config: Config, logger: Logger) {
  return (rules: readonly Rule[]): RuleProblem[] => {
    for (const warning of unconfiguredSignals(rules, config)) logger.warn(warning);
    return check(rules);
  };
}
