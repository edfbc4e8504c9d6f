import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rulesImportCommand } from "../../../src/cli/rules-import-command.ts";
import { formatProblems, loadRules } from "../../../src/rules/rule-loader.ts";
import type { Rule } from "../../../src/rules/rule-schema.ts";
import { REPO_RULES } from "../../support/test-service.ts";

/** A published example committed under test/fixtures/import/ (see SOURCES.md there). */
export const fixture = (path: string): string => new URL(`../../fixtures/import/${path}`, import.meta.url).pathname;

export interface Run {
  code: number;
  out: string;
  err: string;
  warnings: string[];
}

/** Runs `deploy-guard rules import ARGS` in-process, capturing what it writes. */
export async function runImport(args: string[]): Promise<Run> {
  let out = "", err = "";
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(String(s)), true) }) as unknown as NodeJS.WritableStream;
  const code = await rulesImportCommand(args, { out: sink((s) => (out += s)), err: sink((s) => (err += s)) });
  const warnings = err.split("\n").filter((l) => l.startsWith("warning: ")).map((l) => l.slice("warning: ".length));
  return { code, out, err, warnings };
}

/**
 * The imported YAML dropped into a copy of the shipped rules folder and loaded with loadRules, the function
 * `deploy-guard rules check` runs: the imported rule as the service would hold it, or a failure naming the problems.
 */
export function loadedBesideShippedRules(yaml: string, file = "imported.yaml"): Rule {
  const dir = mkdtempSync(join(tmpdir(), "dg-import-"));
  cpSync(REPO_RULES, dir, { recursive: true });
  writeFileSync(join(dir, file), yaml);
  const result = loadRules(dir);
  if (!result.ok) throw new Error(`rules check would refuse it:\n${formatProblems(result.problems)}`);
  const rule = result.rules.find((r) => r.name !== "default");
  if (!rule) throw new Error("the imported rule is missing from the folder");
  return rule;
}

/** The one signal of that name, for assertions. */
export const signal = (rule: Rule, name: string) => {
  const s = rule.signals.find((x) => x.name === name);
  if (!s) throw new Error(`no signal ${name} in ${rule.signals.map((x) => x.name).join(", ")}`);
  return s;
};
