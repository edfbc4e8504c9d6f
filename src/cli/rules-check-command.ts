import { parseArgs } from "node:util";
import { formatProblems, loadRules } from "../rules/rule-loader.ts";
import { cliEnv } from "../config.ts";

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
  return 0;
}
