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
    const file = join(dir, name);
    const shown = relative(process.cwd(), file) || file;
    const doc = parseDocument(readFileSync(file, "utf8"), { prettyErrors: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push({ file: shown, path: `line ${e.linePos?.[0]?.line ?? "?"}`, message: e.message.split("\n")[0] ?? e.message });
      continue;
    }
    const parsed = RuleSchema.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push({ file: shown, path: formatPath(i.path), message: i.message });
      continue;
    }
    const other = owners.get(parsed.data.name);
    if (other) problems.push({ file: shown, path: "name", message: `rule '${parsed.data.name}' is also defined in ${other}` });
    owners.set(parsed.data.name, shown);
    rules.push(parsed.data);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules };
}

export function formatProblems(problems: RuleProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join("\n");
}

function fail(file: string, path: string, message: string): LoadResult {
  return { ok: false, problems: [{ file, path, message }] };
}
