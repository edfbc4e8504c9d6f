import type { estypes } from "@elastic/elasticsearch";
import type { SourceQuery } from "../source.ts";
import type { ElasticsearchQuery } from "./query-schema.ts";

type Query = estypes.QueryDslQueryContainer;

/** Documents of the window: time range, service, environment, version, hosts, route and the rule's extra filter. */
export function windowFilter(q: SourceQuery, es: ElasticsearchQuery): { filter: Query[]; must_not: Query[] } {
  const f = es.fields;
  const filter: Query[] = [
    { range: { [es.time_field]: { gte: q.start, lt: q.end, format: "epoch_millis" } } },
    { term: { [f.service]: q.service } },
    { term: { [f.environment]: q.environment } },
  ];
  if (q.version !== undefined) filter.push({ term: { [f.version]: q.version } });
  if (q.hosts !== undefined) filter.push({ terms: { [f.host]: q.hosts } });
  if (q.signal.route !== undefined) filter.push({ wildcard: { [f.route]: { value: q.signal.route } } });
  if (es.filter?.query_string) filter.push({ query_string: { query: es.filter.query_string } });
  for (const [field, value] of Object.entries(es.filter?.term ?? {})) {
    filter.push(Array.isArray(value) ? { terms: { [field]: value } } : { term: { [field]: value } });
  }
  const must_not: Query[] = q.excludeHosts?.length ? [{ terms: { [f.host]: q.excludeHosts } }] : [];
  return { filter, must_not };
}

/** An error is a document with status ≥ the rule's floor or a level among the rule's (any case). */
export function errorFilter(es: ElasticsearchQuery): Query {
  const should: Query[] = es.errors.levels.map((level) => ({ term: { [es.fields.level]: { value: level, case_insensitive: true } } }));
  if (es.errors.status_at_least !== null) should.unshift({ range: { [es.fields.status]: { gte: es.errors.status_at_least } } });
  return { bool: { should, minimum_should_match: 1 } };
}

const LATENCY_TO_MS = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000 } as const;
export const latencyScale = (es: ElasticsearchQuery) => LATENCY_TO_MS[es.latency_unit];

/** The per-interval sub-aggregation of each signal kind; `field` is the latency or metric field. */
function intervalAggs(q: SourceQuery, es: ElasticsearchQuery, field: string | undefined): Record<string, estypes.AggregationsAggregationContainer> {
  switch (q.signal.kind) {
    case "error_rate":
      return { errors: { filter: errorFilter(es) } };
    // Percentiles are computed in the cluster (TDigest), one per interval: reading every request's latency would move
    // every document over the wire, and the analysis compares interval values, not raw requests, for this source.
    case "latency":
      return { latency: { percentiles: { field: field!, percents: [es.percentile], keyed: false } } };
    case "metric":
      return { metric: { avg: { field: field! } } };
  }
}

/** One search: size 0, a date_histogram over the window at the query's step, the signal's sub-aggregation per bucket. */
export function searchRequest(q: SourceQuery, es: ElasticsearchQuery, field: string | undefined): estypes.SearchRequest {
  const stepMs = q.stepSeconds * 1000;
  const { filter, must_not } = windowFilter(q, es);
  return {
    index: es.index,
    size: 0,
    track_total_hits: false,
    query: { bool: { filter, ...(must_not.length ? { must_not } : {}) } },
    aggs: {
      per_interval: {
        date_histogram: {
          field: es.time_field,
          fixed_interval: `${q.stepSeconds}s`,
          // Buckets start at the window's start, not at epoch multiples of the step.
          offset: `${((q.start % stepMs) + stepMs) % stepMs}ms`,
          min_doc_count: 0,
          extended_bounds: { min: q.start, max: Math.max(q.start, q.end - stepMs) },
        },
        aggs: intervalAggs(q, es, field),
      },
    },
  };
}
