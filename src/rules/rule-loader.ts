import { formatFileProblems, loadYamlFile, loadYamlFolder, type FileProblem } from "./yaml-folder.ts";
import { RuleSchema, type Rule } from "./rule-schema.ts";

export type RuleProblem = FileProblem;

export type LoadResult = { ok: true; rules: Rule[] } | { ok: false; problems: RuleProblem[] };

/** Reads and validates every *.yaml / *.yml in a folder; all or nothing, so a bad file never half-applies. */
export function loadRules(dir: string): LoadResult {
  const result = loadYamlFolder(dir, /\.ya?ml$/i, RuleSchema, "rule");
  return result.ok ? { ok: true, rules: result.values } : result;
}

/** Reads and validates one rule file. */
export function loadRuleFile(file: string): (LoadResult & { file: string }) {
  const result = loadYamlFile(file, RuleSchema);
  return result.ok ? { file: result.file, ok: true, rules: [result.value] } : result;
}

export const formatProblems = formatFileProblems;
