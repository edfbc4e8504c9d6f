import { z } from "zod";
import { describeDocument, ImportError, parseAs, readYamlDocuments } from "./yaml-input.ts";

const SliFile = z.object({
  indicators: z.record(z.string(), z.string().min(1)),
});

/** The PromQL of each SLI from a Keptn prometheus-service sli.yaml (`indicators: {name: query}`). */
export function readSliQueries(file: string): Map<string, string> {
  const docs = readYamlDocuments(file);
  const doc = docs.find((d) => typeof d === "object" && d !== null && "indicators" in d);
  if (!doc) throw new ImportError(`${file}: not a Keptn sli.yaml: no indicators (found ${docs.length === 0 ? "an empty file" : describeDocument(docs[0])})`);
  return new Map(Object.entries(parseAs(SliFile, doc, `${file}: not a Keptn sli.yaml`).indicators));
}

/** Keptn's placeholders with a deploy-guard equivalent; $DURATION_SECONDS is the whole evaluation as "600s". */
const KNOWN: Record<string, string> = { SERVICE: "{{service}}", STAGE: "{{environment}}", DURATION_SECONDS: "{{step}}" };
const WHY_NOT: Record<string, string> = {
  PROJECT: "a rule has no project",
  DEPLOYMENT: "Keptn's primary/canary deployment has no equivalent: the windows separate the releases",
};
const PLACEHOLDER = /\$(LABEL\.[A-Za-z0-9_.-]+|[A-Z][A-Z_]*)/g;

/** Dynatrace, Datadog or other SLI providers' query languages: not PromQL, so not imported. */
const NOT_PROMQL = /metricSelector=|^(MV2|USQL|SLO|PV2|SECPV2);/;

/**
 * An SLI's query with Keptn's placeholders turned into deploy-guard's, or undefined when it is not PromQL. A
 * placeholder without an equivalent and without a --set value stays as it is, and a warning says so.
 */
export function translateSliQuery(query: string, set: Record<string, string>, warn: { signal: (s: string) => void; rule: (s: string) => void }): string | undefined {
  if (NOT_PROMQL.test(query.trim())) return undefined;
  return query.trim().replace(PLACEHOLDER, (whole, name: string) => {
    const value = set[name] ?? KNOWN[name];
    if (value !== undefined) {
      if (name === "DURATION_SECONDS" && set[name] === undefined) {
        warn.rule("$DURATION_SECONDS (Keptn's whole evaluation window) became {{step}}: the rule reads one value a minute and judges the minutes' mean");
      }
      return value;
    }
    warn.signal(`${whole} is left in the query (${WHY_NOT[name] ?? "no deploy-guard equivalent"}): give --set ${name}=VALUE, or edit the query`);
    return whole;
  });
}

/** A query that validates and reads nothing useful until it is replaced, for an SLI whose PromQL is unknown. */
export function standInQuery(sli: string): string {
  const metric = sli.replace(/[^A-Za-z0-9_:]/g, "_").replace(/^(?=[0-9])/, "_");
  return `${metric}{service="{{service}}",environment="{{environment}}"}`;
}
