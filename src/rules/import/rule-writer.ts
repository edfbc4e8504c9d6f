import { Document, isMap, parseDocument } from "yaml";
import { formatPath } from "../../http/problem.ts";
import { RuleSchema } from "../rule-schema.ts";
import type { ImportResult } from "./imported-rule.ts";

/** Short maps written on one line, as in rules/default.yaml: `fail: { relative: 0.5, absolute: 0.001 }`. */
const FLOW = new Set(["match", "baseline", "analysis", "thresholds", "fail", "warn", "detect"]);

function flowShortMaps(node: unknown): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (isMap(pair.value) && FLOW.has(key)) pair.value.flow = true;
    else if (isMap(pair.value)) flowShortMaps(pair.value);
    else if (pair.value && typeof pair.value === "object" && "items" in pair.value) {
      for (const item of (pair.value as { items: unknown[] }).items) flowShortMaps(item);
    }
  }
}

/**
 * The rule as a YAML file: a header saying where it came from and what it does not carry, then the rule with the
 * fields in the order rules/default.yaml uses. `origin` is the command as it was run, without paths.
 */
export function ruleYaml(result: ImportResult, origin: string): string {
  // Signals share OUT_OF_REACH: written out each time, not as YAML anchors.
  const doc = new Document(result.rule, { aliasDuplicateObjects: false });
  flowShortMaps(doc.contents);
  const header = [` Imported by ${origin}. Review before use: copy into the rules folder and run deploy-guard rules check.`];
  if (result.warnings.length > 0) header.push(" Not carried over, or to check:", ...result.warnings.map((w) => ` - ${w}`));
  doc.commentBefore = header.join("\n");
  return doc.toString({ lineWidth: 0 });
}

/** The problems `rules check` would report for this text (the same schema), as "field: message"; empty when valid. */
export function ruleProblems(text: string): string[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return doc.errors.map((e) => `(yaml): ${e.message.split("\n")[0]}`);
  const parsed = RuleSchema.safeParse(doc.toJS());
  return parsed.success ? [] : parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}
