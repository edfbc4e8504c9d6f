import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import { formatPath } from "../../http/problem.ts";
import { DashboardDefinitionSchema, type DashboardDefinition } from "./definition-schema.ts";

export interface DefinitionProblem {
  file: string;
  path: string;
  message: string;
}

export type DefinitionsResult = { ok: true; definitions: DashboardDefinition[] } | { ok: false; problems: DefinitionProblem[] };

/** Reads and validates every *.yaml / *.yml / *.json in a folder; all or nothing, as the rules are. */
export function loadDefinitions(dir: string): DefinitionsResult {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, problems: [{ file: dir, path: "(folder)", message: "is not a folder" }] };
    files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
  } catch (err) {
    return { ok: false, problems: [{ file: dir, path: "(folder)", message: (err as Error).message }] };
  }
  const problems: DefinitionProblem[] = [];
  const definitions: DashboardDefinition[] = [];
  const owners = new Map<string, string>();
  for (const name of files) {
    const result = loadDefinitionFile(join(dir, name));
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const other = owners.get(result.definition.name);
    if (other) problems.push({ file: result.file, path: "name", message: `dashboard '${result.definition.name}' is also defined in ${other}` });
    owners.set(result.definition.name, result.file);
    definitions.push(result.definition);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definitions };
}

type FileResult = { file: string } & ({ ok: true; definition: DashboardDefinition } | { ok: false; problems: DefinitionProblem[] });

/** Reads and validates one definition file (YAML, of which JSON is a subset). */
export function loadDefinitionFile(file: string): FileResult {
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
  const parsed = DashboardDefinitionSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return { file: shown, ok: false, problems: parsed.error.issues.map((i) => ({ file: shown, path: formatPath(i.path), message: i.message })) };
  }
  return { file: shown, ok: true, definition: parsed.data };
}

export function formatDefinitionProblems(problems: DefinitionProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join("\n");
}
