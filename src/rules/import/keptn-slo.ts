import { basename, extname } from "node:path";
import { z } from "zod";
import { isBareSelector, matchFor, minSamplesFor, ruleName, signalLabel, signalName, uniqueNames, type ImportOptions, type ImportResult, type SignalDraft } from "./imported-rule.ts";
import { thresholdsFor } from "./keptn-criteria.ts";
import { readSliQueries, standInQuery, translateSliQuery } from "./keptn-sli.ts";
import { describeDocument, ImportError, parseAs, readYamlDocuments } from "./yaml-input.ts";

const Criteria = z.object({ criteria: z.array(z.union([z.string(), z.number()]).transform(String)).nullish() });
const Score = z.union([z.string(), z.number()]).transform((v) => Number(String(v).trim().replace(/%$/, "")));

/** Keptn's slo.yaml, spec_version 0.1.x to 1.0, as its lighthouse service reads it. */
const SloFile = z.object({
  spec_version: z.union([z.string(), z.number()]).transform(String).optional(),
  comparison: z.object({
    compare_with: z.enum(["single_result", "several_results"]).optional(),
    number_of_comparison_results: z.number().int().min(1).optional(),
    include_result_with_score: z.enum(["all", "pass", "pass_or_warn"]).optional(),
    aggregate_function: z.string().optional(),
  }).nullish(),
  filter: z.record(z.string(), z.unknown()).nullish(),
  objectives: z.array(z.object({
    sli: z.string().min(1),
    displayName: z.string().nullish(),
    pass: z.array(Criteria).nullish(),
    warning: z.array(Criteria).nullish(),
    weight: z.number().min(0).nullish(),
    key_sli: z.boolean().nullish(),
  })).min(1),
  total_score: z.object({ pass: Score, warning: Score.optional() }).nullish(),
});
type Slo = z.infer<typeof SloFile>;

/** The minutes of metric values read after the deploy: Keptn's window comes from its trigger, not from the file. */
const MINUTES = 30;

export interface KeptnOptions extends ImportOptions {
  /** The prometheus-service sli.yaml holding each SLI's PromQL. */
  sli?: string | undefined;
}

function readSlo(file: string): Slo {
  const docs = readYamlDocuments(file);
  const doc = docs.find((d) => typeof d === "object" && d !== null && "objectives" in d);
  if (!doc) {
    const found = docs.length === 0 ? "an empty file" : describeDocument(docs[0]);
    const hint = /AnalysisTemplate/.test(found) ? "; for Argo Rollouts use --from argo-analysis-template" : "";
    throw new ImportError(`${file}: not a Keptn slo.yaml: it has no objectives (found ${found})${hint}`);
  }
  return parseAs(SloFile, doc, `${file}: not a Keptn slo.yaml`);
}

/**
 * A Keptn quality gate as a rule: each scored objective a Prometheus-backed metric signal (relative criteria as floors
 * against the previous good release, fixed ones as the signal's limit), key SLIs critical, total_score the thresholds.
 */
export function importKeptnSlo(file: string, options: KeptnOptions): ImportResult {
  const slo = readSlo(file);
  const queries = options.sli !== undefined ? readSliQueries(options.sli) : undefined;
  const warnings = new Set<string>();
  const version = slo.spec_version ?? "(none)";
  if (!/^(0\.[12]\.|1\.0)/.test(version)) warnings.add(`spec_version ${version} is not one this importer knows (0.1.x to 1.0): read as 1.0`);
  const unique = uniqueNames();
  const signals: SignalDraft[] = [];
  for (const o of slo.objectives) {
    const name = unique(signalName(o.sli));
    const note = (s: string) => warnings.add(`${signalLabel(name, o.sli, "SLI")}: ${s}`);
    const pass = o.pass ?? [];
    if (pass.length === 0) {
      warnings.add(`SLI ${o.sli} has no pass criteria (informational in Keptn, not scored): not imported`);
      continue;
    }
    if (pass.length > 1 || (o.warning?.length ?? 0) > 1) note("criteria sets joined by OR: only the first of each is kept");
    const t = thresholdsFor(pass[0]?.criteria ?? [], o.warning?.[0]?.criteria ?? undefined, note);
    if (!t) {
      warnings.add(`SLI ${o.sli}: none of its criteria can be expressed: not imported`);
      continue;
    }
    const known = queries?.get(o.sli);
    const query = known !== undefined ? translateSliQuery(known, options.set, { signal: note, rule: (s) => warnings.add(s) }) : undefined;
    if (query === undefined) {
      const why = !queries ? "no sli.yaml given (--sli)" : known === undefined ? "not in the sli.yaml" : "its SLI query is not PromQL";
      note(`${why}: its query is a stand-in to replace with the PromQL that measures it`);
    } else if (isBareSelector(query)) {
      note("the query is a bare selector: the Prometheus source refuses an answer of several series (one per instance), so aggregate it (sum, max)");
    }
    const weight = o.weight ?? 1;
    if (weight === 0) note("weight 0 (not scored): imported in observe mode");
    signals.push({
      name, ...(o.displayName ? { description: o.displayName } : {}), kind: "metric", metric: o.sli, source: "prometheus",
      query: { value: query ?? standInQuery(o.sli) }, direction: t.direction, fail: t.fail, ...(t.warn ? { warn: t.warn } : {}),
      ...(t.limit !== undefined ? { limit: t.limit } : {}), min_samples: minSamplesFor(MINUTES), weight: weight === 0 ? 1 : weight,
      critical: o.key_sli ?? false, no_data: "fail", ...(weight === 0 ? { mode: "observe" as const } : {}),
    });
  }
  if (signals.length === 0) throw new ImportError(`${file}: no objective could be imported:\n${[...warnings].map((w) => `  ${w}`).join("\n")}`);
  warnings.add(`Keptn's evaluation window comes from its trigger: the rule reads ${MINUTES} minutes after the deploy (analysis.minutes); set it to your test's length`);
  return {
    rule: {
      name: ruleName(options.name ?? basename(file, extname(file))),
      description: `Imported from the Keptn SLO ${basename(file)} by deploy-guard rules import.`,
      match: matchFor(options, warnings),
      baseline: baselineFor(slo, warnings),
      analysis: { minutes: MINUTES },
      thresholds: thresholdsOf(slo, warnings),
      signals,
    },
    warnings: [...warnings],
  };
}

/** Keptn compares with its last good evaluation(s); a rule with the last good release(s), at the same time after deploy. */
function baselineFor(slo: Slo, warnings: Set<string>): { kind: "previous_release"; count: number } {
  const c = slo.comparison ?? {};
  let count = c.compare_with === "several_results" ? (c.number_of_comparison_results ?? 3) : 1;
  if (count > 10) {
    warnings.add(`comparison: number_of_comparison_results ${count} is more than a rule pools (10): 10 kept`);
    count = 10;
  }
  const include = c.include_result_with_score ?? "all";
  if (include !== "pass") warnings.add(`comparison: include_result_with_score ${include} is not carried: the rule compares with releases that passed or that an operator approved`);
  const aggregate = c.aggregate_function ?? "avg";
  if (count > 1 && aggregate !== "avg") warnings.add(`comparison: aggregate_function ${aggregate} is not carried: the ${count} releases' windows are pooled, close to an average`);
  if (slo.filter && Object.keys(slo.filter).length > 0) warnings.add(`filter (${Object.keys(slo.filter).join(", ")}) is not carried: a rule's match and its queries select the data`);
  return { kind: "previous_release", count };
}

function thresholdsOf(slo: Slo, warnings: Set<string>): { pass: number; warn: number } | undefined {
  const score = slo.total_score;
  const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x >= 0 && x <= 100;
  if (!score || !ok(score.pass)) {
    warnings.add("total_score: no pass percentage Keptn could read: the rule keeps its default thresholds (90 / 60)");
    return undefined;
  }
  // No warning score: Keptn fails every score below pass, so warn starts where pass does.
  const warn = ok(score.warning) ? Math.min(score.warning, score.pass) : score.pass;
  return { pass: score.pass, warn };
}
