import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_RULES } from "./test-service.ts";

/** A rules folder: the shipped rules plus copies of the default rule, renamed, matched to one service and edited. */
export function rulesWith(rules: Record<string, { service: string; edit: (yaml: string) => string }>): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-rules-"));
  cpSync(REPO_RULES, dir, { recursive: true });
  const base = readFileSync(join(REPO_RULES, "default.yaml"), "utf8");
  for (const [name, r] of Object.entries(rules)) {
    writeFileSync(join(dir, `${name}.yaml`), r.edit(base.replace("name: default", `name: ${name}`).replace('service: "*"', `service: "${r.service}"`)));
  }
  return dir;
}

/**
 * The shipped default rule turned back into the fixed-window engine it had before issue 11: the 60 minutes before the
 * deploy (with 6 hours of wander history) against the 30 minutes after it, interim checks every 5 minutes and an early
 * fail after 2 failing ones in a row. For tests of fixed-window mechanics, not of the default's product behaviour.
 */
export const FIXED_WINDOW = [
  "baseline:",
  "  kind: before_deploy",
  "  minutes: 60",
  "  history_minutes: 360",
  "analysis:",
  "  mode: fixed",
  "  delay_minutes: 0",
  "  minutes: 30",
  "  interval_minutes: 5",
  "  early_fail_after: 2",
].join("\n");

/** Edits a copy of the default rule into the fixed-window one (FIXED_WINDOW), with `analysis` settings overridden. */
export function fixedWindow(yaml: string, analysis: Record<string, number> = {}): string {
  let block = FIXED_WINDOW;
  for (const [key, value] of Object.entries(analysis)) {
    block = block.includes(`  ${key}: `) ? block.replace(new RegExp(`  ${key}: \\d+`), `  ${key}: ${value}`) : `${block}\n  ${key}: ${value}`;
  }
  const edited = yaml.replace(/^baseline:\n[\s\S]*?\n(?=confidence:)/m, `${block}\n`);
  if (edited === yaml) throw new Error("fixedWindow: the rule has no baseline/analysis block before confidence:");
  return edited;
}

/** A rules folder whose default rule (and every rule `rulesWith` adds) is the fixed-window one. */
export function fixedRules(rules: Record<string, { service: string; edit: (yaml: string) => string }> = {}): string {
  const dir = rulesWith(Object.fromEntries(Object.entries(rules).map(([name, r]) => [name, { service: r.service, edit: (y: string) => r.edit(fixedWindow(y)) }])));
  const path = join(dir, "default.yaml");
  writeFileSync(path, fixedWindow(readFileSync(path, "utf8")));
  return dir;
}
