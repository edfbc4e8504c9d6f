import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import { formatPath } from "../http/problem.ts";
import { RuleSchema, type Rule } from "./rule-schema.ts";

export interface RuleProblem {
  file: string;
  path: string;
  message: string;
}

export type LoadResult = { ok: true; rules: Rule[] } | { ok: false; problems: RuleProblem[] };

/** Reads and validates every *.yaml / *.yml in a folder; all or nothing, so a bad file never half-applies. */
export function loadRules(dir: string): LoadResult {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) return fail(dir, "(folder)", "is not a folder");
    files = readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort();
  } catch (err) {
    return fail(dir, "(folder)", (err as Error).message);
  }
  const problems: RuleProblem[] = [];
  const rules: Rule[] = [];
  const owners = new Map<string, string>();
  for (const name of files) {
    const result = loadRuleFile(join(dir, name));
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    for (const rule of result.rules) {
      const other = owners.get(rule.name);
      const shown = result.file;
      if (other) problems.push({ file: shown, path: "name", message: `rule '${rule.name}' is also defined in ${other}` });
      owners.set(rule.name, shown);
      rules.push(rule);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules };
}

/** Reads and validates one rule file. */
export function loadRuleFile(file: string): (LoadResult & { file: string }) {
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { file: shown, ok: false, problems: [{ file: shown, path: "(file)", message: (err as Error).message }] };
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ file: shown, path: `line ${e.linePos?.[0]?.line ?? "?"}`, message: e.message.split("\n")[0] ?? e.message }));
    return { file: shown, ok: false, problems };
  }
  const parsed = RuleSchema.safeParse(doc.toJS());
  if (!parsed.success) return { file: shown, ok: false, problems: parsed.error.issues.map((i) => ({ file: shown, path: formatPath(i.path), message: i.message })) };
  return { file: shown, ok: true, rules: [parsed.data] };
}

export function formatProblems(problems: RuleProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join("\n");
}

function fail(file: string, path: string, message: string): LoadResult {
  return { ok: false, problems: [{ file, path, message }] };
}
