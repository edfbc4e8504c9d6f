import type { ZodType } from "zod";
import { datadogQueryKindIssue, datadogQuerySchema, type DatadogQuery } from "./datadog/query-schema.ts";
import { elasticsearchQuerySchema } from "./elasticsearch/query-schema.ts";
import { prometheusQueryProblem, prometheusQuerySchema, type PrometheusQuery } from "./prometheus/query-schema.ts";
import type { SourceKind } from "./source.ts";

type SignalKind = "error_rate" | "latency" | "metric";

/** How a signal's `query` block is checked at rule load: the source's own schema, then whether it fits the signal's kind. */
export interface QueryCheck {
  schema: ZodType;
  kindProblem: (kind: SignalKind, query: never) => string | undefined;
}

/** One entry per source kind, so a new kind fails to compile until its query block is described; builtin takes none. */
export const QUERY_CHECKS: Record<SourceKind, QueryCheck | undefined> = {
  builtin: undefined,
  elasticsearch: { schema: elasticsearchQuerySchema, kindProblem: () => undefined },
  datadog: { schema: datadogQuerySchema, kindProblem: (kind, q: DatadogQuery) => datadogQueryKindIssue(kind, q) },
  prometheus: { schema: prometheusQuerySchema, kindProblem: (kind, q: PrometheusQuery) => prometheusQueryProblem(kind, q) },
};

export interface QueryIssue {
  path: PropertyKey[];
  message: string;
}

/** Validates a signal's `query` block against its source; returns the block with the schema's defaults filled in. */
export function checkSignalQuery(source: SourceKind, kind: SignalKind, query: Record<string, unknown> | undefined): { query: Record<string, unknown> | undefined; issues: QueryIssue[] } {
  const check = QUERY_CHECKS[source];
  if (!check) return { query, issues: query === undefined ? [] : [{ path: ["query"], message: `source ${source} takes no query block` }] };
  if (query === undefined) return { query, issues: [{ path: ["query"], message: `required when source is ${source}` }] };
  const parsed = check.schema.safeParse(query);
  if (!parsed.success) return { query, issues: parsed.error.issues.map((i) => ({ path: ["query", ...i.path], message: i.message })) };
  const problem = check.kindProblem(kind, parsed.data as never);
  return { query: parsed.data as Record<string, unknown>, issues: problem ? [{ path: ["query"], message: problem }] : [] };
}
