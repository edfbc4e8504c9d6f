import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { formatPath } from "../http/problem.ts";

/** One problem in one file, said by file and field ("rules/a.yaml: signals[0].fail: required"). */
export interface FileProblem {
  file: string;
  path: string;
  message: string;
}

export type FileResult<T> = { file: string } & ({ ok: true; value: T } | { ok: false; problems: FileProblem[] });
export type FolderResult<T> = { ok: true; values: T[] } | { ok: false; problems: FileProblem[] };

/** Reads and validates one YAML file (JSON is a subset) against a zod schema, naming the line or field of each problem. */
export function loadYamlFile<T>(file: string, schema: z.ZodType<T>): FileResult<T> {
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
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) return { file: shown, ok: false, problems: parsed.error.issues.map((i) => ({ file: shown, path: formatPath(i.path), message: i.message })) };
  return { file: shown, ok: true, value: parsed.data };
}

/**
 * Every file of a folder whose name matches, validated and checked for names defined twice; all or nothing, so a bad
 * file never half-applies. Rules and dashboard definitions both load this way.
 */
export function loadYamlFolder<T extends { name: string }>(dir: string, pattern: RegExp, schema: z.ZodType<T>, noun: string): FolderResult<T> {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, problems: [{ file: dir, path: "(folder)", message: "is not a folder" }] };
    files = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  } catch (err) {
    return { ok: false, problems: [{ file: dir, path: "(folder)", message: (err as Error).message }] };
  }
  const problems: FileProblem[] = [];
  const values: T[] = [];
  const owners = new Map<string, string>();
  for (const name of files) {
    const result = loadYamlFile(join(dir, name), schema);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const other = owners.get(result.value.name);
    if (other) problems.push({ file: result.file, path: "name", message: `${noun} '${result.value.name}' is also defined in ${other}` });
    owners.set(result.value.name, result.file);
    values.push(result.value);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

export function formatFileProblems(problems: FileProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join("\n");
}
