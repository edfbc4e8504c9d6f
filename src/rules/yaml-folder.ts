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

export type RawFile = { file: string } & ({ ok: true; value: unknown } | { ok: false; problems: FileProblem[] });

/** Reads one YAML file (JSON is a subset) as plain data, naming the line of each syntax problem. */
export function readYamlFile(file: string): RawFile {
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
  return { file: shown, ok: true, value: doc.toJS() as unknown };
}

function validate<T>(file: string, value: unknown, schema: z.ZodType<T>): FileResult<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { file, ok: false, problems: parsed.error.issues.map((i) => ({ file, path: formatPath(i.path), message: i.message })) };
  return { file, ok: true, value: parsed.data };
}

/** Reads and validates one YAML file against a zod schema, naming the line or field of each problem. */
export function loadYamlFile<T>(file: string, schema: z.ZodType<T>): FileResult<T> {
  const raw = readYamlFile(file);
  return raw.ok ? validate(raw.file, raw.value, schema) : raw;
}

/** A step between reading a folder's files and validating them, e.g. merging rules that extend others. */
export type Prepare = (files: { file: string; value: unknown }[]) => { files: { file: string; value: unknown }[]; problems: FileProblem[] };

/**
 * Every file of a folder whose name matches, validated and checked for names defined twice; all or nothing, so a bad
 * file never half-applies. Rules and dashboard definitions both load this way.
 */
export function loadYamlFolder<T extends { name: string }>(dir: string, pattern: RegExp, schema: z.ZodType<T>, noun: string, prepare?: Prepare): FolderResult<T> {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, problems: [{ file: dir, path: "(folder)", message: "is not a folder" }] };
    files = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  } catch (err) {
    return { ok: false, problems: [{ file: dir, path: "(folder)", message: (err as Error).message }] };
  }
  const problems: FileProblem[] = [];
  let read: { file: string; value: unknown }[] = [];
  for (const name of files) {
    const raw = readYamlFile(join(dir, name));
    if (raw.ok) read.push({ file: raw.file, value: raw.value });
    else problems.push(...raw.problems);
  }
  if (prepare) {
    const prepared = prepare(read);
    problems.push(...prepared.problems);
    read = prepared.files;
  }
  const values: T[] = [];
  const owners = new Map<string, string>();
  for (const { file, value } of read) {
    const result = validate(file, value, schema);
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
