import { parseArgs } from "node:util";
import { formatProblems, loadRules } from "../rules/rule-loader.ts";
import { cliEnv, ConfigError, loadConfig } from "../config.ts";
import { unconfiguredSignals } from "../sources/unconfigured-sources.ts";

/** `deploy-guard rules check`: validates the rule files the way the service would load them. */
export function rulesCheckCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { rules: { type: "string" } }, strict: true });
  const dir = values.rules ?? cliEnv().rulesDir;
  const result = loadRules(dir);
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems)}\n${result.problems.length} problem(s) in ${dir}\n`);
    return 1;
  }
  for (const r of result.rules) {
    process.stdout.write(`ok  ${r.name}  (service ${r.match.service}, environment ${r.match.environment}; ${r.signals.map((s) => s.name).join(", ")})\n`);
  }
  process.stdout.write(`${result.rules.length} rule(s) valid in ${dir}\n`);
  // Valid, but judged as missing data here: a source the rules read that this environment does not configure.
  try {
    for (const warning of unconfiguredSignals(result.rules, loadConfig())) process.stderr.write(`warning: ${warning}\n`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`warning: sources not checked, the environment's configuration is invalid:\n${err.message}\n`);
  }
  return 0;
}
