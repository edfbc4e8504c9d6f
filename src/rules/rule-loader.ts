import { basename, dirname } from "node:path";
import { formatFileProblems, loadYamlFile, loadYamlFolder, readYamlFile, type FileProblem } from "./yaml-folder.ts";
import { resolveExtends } from "./rule-extends.ts";
import { RuleSchema, type Rule } from "./rule-schema.ts";

export type RuleProblem = FileProblem;

export type LoadResult = { ok: true; rules: Rule[] } | { ok: false; problems: RuleProblem[] };

const RULE_FILE = /\.ya?ml$/i;

/**
 * Reads and validates every *.yaml / *.yml in a folder, each rule that extends another merged first; all or nothing,
 * so a bad file never half-applies.
 */
export function loadRules(dir: string): LoadResult {
  let extending = new Map<string, string>();
  let merging = new Set<FileProblem>();
  const result = loadYamlFolder(dir, RULE_FILE, RuleSchema, "rule", (files) => {
    const resolved = resolveExtends(files);
    extending = resolved.extending;
    merging = new Set(resolved.problems);
    return resolved;
  });
  if (result.ok) return { ok: true, rules: result.values };
  // A field of a merged rule may come from its parent: say so, so nobody hunts for it in the child's file alone.
  const problems = result.problems.map((p) => {
    const parent = extending.get(p.file);
    return parent && !merging.has(p) ? { ...p, message: `${p.message} (in the rule as merged with '${parent}')` } : p;
  });
  return { ok: false, problems };
}

/** Reads and validates one rule file; one that extends another is merged with its parent from the same folder. */
export function loadRuleFile(file: string): (LoadResult & { file: string }) {
  const raw = readYamlFile(file);
  if (!raw.ok) return raw;
  const value = raw.value as { name?: unknown; extends?: unknown } | null;
  if (value?.extends === undefined) {
    const result = loadYamlFile(file, RuleSchema);
    return result.ok ? { file: result.file, ok: true, rules: [result.value] } : result;
  }
  const folder = loadRules(dirname(file));
  if (!folder.ok) return { file: raw.file, ...folder };
  const rule = folder.rules.find((r) => r.name === value.name);
  if (rule) return { file: raw.file, ok: true, rules: [rule] };
  return { file: raw.file, ok: false, problems: [{ file: raw.file, path: "(file)", message: `not a rule file of ${basename(dirname(file))}/` }] };
}

export const formatProblems = formatFileProblems;
