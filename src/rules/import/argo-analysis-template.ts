import { z } from "zod";
import { argoTiming, analysisFor, type Timing } from "./argo-timing.ts";
import { failsAbove, parseCondition, type Condition } from "./argo-condition.ts";
import { prometheusQuery, providerNotes } from "./argo-prometheus.ts";
import { isBareSelector, matchFor, minSamplesFor, OUT_OF_REACH, ruleName, signalLabel, signalName, uniqueNames, type ImportOptions, type ImportResult, type SignalDraft } from "./imported-rule.ts";
import { describeDocument, ImportError, parseAs, readYamlDocuments } from "./yaml-input.ts";

const KINDS = ["AnalysisTemplate", "ClusterAnalysisTemplate"];
const IntOrString = z.union([z.number(), z.string()]).optional();

const Metric = z.object({
  name: z.string().min(1),
  interval: IntOrString, initialDelay: IntOrString, count: IntOrString,
  successCondition: z.string().optional(), failureCondition: z.string().optional(),
  failureLimit: IntOrString, inconclusiveLimit: IntOrString, consecutiveErrorLimit: IntOrString, consecutiveSuccessLimit: IntOrString,
  provider: z.record(z.string(), z.unknown()),
});
const Template = z.object({
  kind: z.string(),
  metadata: z.object({ name: z.string().min(1) }),
  spec: z.object({
    args: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).optional(), valueFrom: z.unknown().optional() })).nullish(),
    metrics: z.array(Metric).min(1),
    dryRun: z.array(z.object({ metricName: z.string() })).nullish(),
  }),
});
export type ArgoTemplate = z.infer<typeof Template>;
type ArgoMetric = z.infer<typeof Metric>;

export interface ArgoOptions extends ImportOptions {
  /** Which template, when the file holds several. */
  template?: string | undefined;
}

function selectTemplate(file: string, template: string | undefined): ArgoTemplate {
  const docs = readYamlDocuments(file);
  const found = docs.filter((d) => KINDS.includes(String((d as { kind?: unknown })?.kind)));
  const names = found.map((d) => String((d as { metadata?: { name?: unknown } }).metadata?.name));
  if (found.length === 0) {
    const kinds = docs.length === 0 ? "an empty file" : [...new Set(docs.map(describeDocument))].join("; ");
    const hint = kinds.includes("Keptn slo.yaml") ? "; for a Keptn SLO use --from keptn-slo" : "";
    throw new ImportError(`${file}: no AnalysisTemplate or ClusterAnalysisTemplate in it (found ${kinds})${hint}`);
  }
  const index = template === undefined ? (found.length === 1 ? 0 : -1) : names.indexOf(template);
  if (index < 0) {
    const asked = template === undefined ? `it holds ${found.length} templates` : `it has no template named ${template}`;
    throw new ImportError(`${file}: ${asked} (${names.join(", ")}): choose one with --template NAME`);
  }
  return parseAs(Template, found[index], `${file}: template ${names[index]}`);
}

/** The rule's direction and limit from the metric's conditions; Argo fails a measurement matching failureCondition, or missing successCondition. */
function limitFor(m: ArgoMetric, note: (s: string) => void): Pick<SignalDraft, "direction" | "limit" | "no_data"> | undefined {
  const read = (text: string | undefined, field: string): Condition | undefined => {
    const parsed = text === undefined ? undefined : parseCondition(text);
    if (parsed && "error" in parsed) note(`${field}: ${parsed.error}`);
    return parsed && !("error" in parsed) ? parsed : undefined;
  };
  const failure = read(m.failureCondition, "failureCondition"), success = read(m.successCondition, "successCondition");
  const chosen = failure ? { c: failure, onFailure: true } : success ? { c: success, onFailure: false } : undefined;
  if (!chosen) return undefined;
  const [first, ...others] = chosen.c.comparisons;
  if (!first) return undefined;
  if (others.length > 0) note(`only the first comparison of "${chosen.onFailure ? m.failureCondition : m.successCondition}" is kept: a rule has one limit`);
  if (first.value < 0) {
    note(`a limit cannot be negative (${first.value})`);
    return undefined;
  }
  const above = failsAbove(first, chosen.onFailure);
  if (failure && success) {
    const s = success.comparisons[0];
    const complement = success.comparisons.length === 1 && s?.value === first.value && failsAbove(s, false) === above;
    if (!complement) note(`measurements meeting neither condition are inconclusive in Argo (the rollout pauses); a rule has no absolute level that holds, so they pass`);
  }
  // Argo tries failureCondition first: a guard there fails a missing value, one in successCondition passes it; with
  // neither, an empty answer is a measurement error, and errors in a row end the run as failed.
  const missingPasses = !failure?.trueWhenMissing && success?.trueWhenMissing === true;
  return { direction: above ? "increase" : "decrease", limit: first.value, no_data: missingPasses ? "pass" : "fail" };
}

function dryRunMatcher(template: ArgoTemplate): (name: string) => boolean {
  const patterns = (template.spec.dryRun ?? []).map((d) => {
    try {
      return new RegExp(`^(?:${d.metricName})$`);
    } catch {
      return { test: (name: string) => name === d.metricName };
    }
  });
  return (name) => patterns.some((p) => p.test(name));
}

/**
 * An Argo Rollouts AnalysisTemplate as a rule: each Prometheus metric a metric signal whose limit is its condition
 * (Argo compares with no baseline, so the fail floor is out of reach), critical as any failed metric fails the run,
 * dryRun metrics in observe mode, interval × count as the analysis window and failureLimit as the early fail.
 */
export function importArgoTemplate(file: string, options: ArgoOptions): ImportResult {
  const template = selectTemplate(file, options.template);
  const warnings = new Set<string>();
  const unique = uniqueNames(), dryRun = dryRunMatcher(template);
  const imported: { signal: SignalDraft; timing: Timing }[] = [];
  for (const m of template.spec.metrics) {
    const name = unique(signalName(m.name));
    const note = (s: string) => warnings.add(`${signalLabel(name, m.name, "metric")}: ${s}`);
    const provider = Object.keys(m.provider)[0] ?? "(none)";
    if (provider !== "prometheus") {
      const datadog = provider === "datadog" ? " (a rule can read Datadog itself: write it as a source: datadog signal, docs/integrations/datadog.md)" : "";
      warnings.add(`metric ${m.name} uses the ${provider} provider: not imported, only prometheus is${datadog}`);
      continue;
    }
    const limit = limitFor(m, note);
    if (!limit) {
      warnings.add(`metric ${m.name}: no condition a rule can express (every measurement would be inconclusive): not imported`);
      continue;
    }
    const query = prometheusQuery(m.provider.prometheus, template.spec.args ?? [], options.set, note);
    if (query === undefined) {
      warnings.add(`metric ${m.name}: its prometheus provider has no query: not imported`);
      continue;
    }
    if (isBareSelector(query)) note("the query is a bare selector: the Prometheus source refuses an answer of several series, so aggregate it (max(…) keeps the meaning of all(result, …))");
    providerNotes(m.provider.prometheus, (s) => warnings.add(s));
    const observe = dryRun(m.name);
    const timing = argoTiming(m, note);
    imported.push({
      timing,
      signal: {
        name, description: `Argo Rollouts metric ${m.name}`, kind: "metric", metric: m.name, source: "prometheus", query: { value: query },
        direction: limit.direction, fail: OUT_OF_REACH, limit: limit.limit, min_samples: 0, weight: 1, critical: !observe,
        no_data: limit.no_data, ...(observe ? { mode: "observe" as const } : {}),
      },
    });
  }
  if (imported.length === 0) throw new ImportError(`${file}: no metric of template ${template.metadata.name} could be imported:\n${[...warnings].map((w) => `  ${w}`).join("\n")}`);
  const analysis = analysisFor(imported.map((i) => i.timing), (s) => warnings.add(s));
  const signals = imported.map((i) => ({ ...i.signal, min_samples: minSamplesFor(analysis.minutes) }));
  return {
    rule: {
      name: ruleName(options.name ?? template.metadata.name),
      description: `Imported from the Argo Rollouts ${template.kind} ${template.metadata.name} by deploy-guard rules import.`,
      match: matchFor(options, warnings),
      analysis,
      signals,
    },
    warnings: [...warnings],
  };
}
