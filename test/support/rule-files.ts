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

export const withBaseline = (baseline: string) => (yaml: string) => yaml.replace(/baseline:\n {2}kind: before_deploy\n {2}minutes: 60/, `baseline:\n${baseline}`);
