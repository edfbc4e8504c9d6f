import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { sharedData } from "../../support/shared-data.ts";

/** Search answers in the shapes the Elasticsearch reference documents (size 0, track_total_hits false). */
export const searchAnswer = (aggregations: Record<string, unknown>, total?: number) => ({
  took: 3,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { ...(total === undefined ? {} : { total: { value: total, relation: "eq" } }), max_score: null, hits: [] },
  aggregations,
});

const iso = (t: number) => new Date(t).toISOString();

export const errorRateAnswer = (buckets: { t: number; docs: number; errors: number }[]) =>
  searchAnswer({ per_interval: { buckets: buckets.map((b) => ({ key_as_string: iso(b.t), key: b.t, doc_count: b.docs, errors: { doc_count: b.errors } })) } });

export const latencyAnswer = (percent: number, buckets: { t: number; docs: number; value: number | null }[]) =>
  searchAnswer({
    per_interval: {
      buckets: buckets.map((b) => ({ key_as_string: iso(b.t), key: b.t, doc_count: b.docs, latency: { values: [{ key: percent, value: b.value }] } })),
    },
  });

export const termsAnswer = (buckets: { key: string; doc_count: number }[], other = 0) =>
  searchAnswer({ messages: { doc_count_error_upper_bound: 0, sum_other_doc_count: other, buckets } }, buckets.reduce((n, b) => n + b.doc_count, other));

/** An error answer as Elasticsearch sends it (`error.root_cause`, `type`, `reason`, `status`). */
export const errorBody = (status: number, type: string, reason: string) => ({
  error: { root_cause: [{ type, reason }], type, reason },
  status,
});

/** The Apache-2.0 bulk response examples of elasticsearch-specification, copied into test/fixtures/elasticsearch. */
export function bulkExample(n: 1 | 2): { took: number; errors: boolean; items: Record<string, { status: number; error?: unknown }>[] } {
  const file = new URL(`../../fixtures/elasticsearch/es-spec__BulkResponseExample${n}.yaml`, import.meta.url);
  return JSON.parse((parse(readFileSync(file, "utf8")) as { value: string }).value);
}

/** The reference's percentiles answers (unclear licence: read from ../shared/data, never copied). */
export const SHARED_VECTORS = sharedData("elasticsearch/es_docs_aggregation_vectors.json");
