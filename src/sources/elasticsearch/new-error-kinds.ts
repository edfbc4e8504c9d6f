import type { Client } from "@elastic/elasticsearch";
import type { SourceQuery } from "../source.ts";
import { compareErrorKinds, type MessageCount, type NewErrorKinds } from "./error-kinds.ts";
import type { ElasticsearchQuery } from "./query-schema.ts";
import { errorFilter, windowFilter } from "./search-request.ts";

/** Distinct messages read per window; the baseline reads more so a rare old error is not taken for a new one. */
export const CANDIDATE_MESSAGES = 500;
export const BASELINE_MESSAGES = 2000;

/**
 * A terms aggregation on the keyword message field, normalised here: exact counts per distinct message in one small
 * answer, where a sample of hits would miss rare kinds and move whole documents. Elasticsearch cannot normalise.
 */
async function errorMessages(client: Client, es: ElasticsearchQuery, q: SourceQuery, size: number): Promise<{ messages: MessageCount[]; uncovered: number; errors: number }> {
  const { filter, must_not } = windowFilter(q, es);
  const answer = await client.search({
    index: es.index,
    size: 0,
    track_total_hits: true,
    query: { bool: { filter: [...filter, errorFilter(es)], ...(must_not.length ? { must_not } : {}) } },
    aggs: { messages: { terms: { field: es.fields.message, size } } },
  });
  const agg = answer.aggregations?.messages as { buckets?: { key: unknown; doc_count: number }[]; sum_other_doc_count?: number } | undefined;
  const messages = (agg?.buckets ?? []).map((b) => ({ message: String(b.key), count: b.doc_count }));
  const total = answer.hits.total;
  const errors = typeof total === "number" ? total : total?.value ?? messages.reduce((n, m) => n + m.count, 0);
  return { messages, uncovered: agg?.sum_other_doc_count ?? 0, errors };
}

export async function findNewErrorKinds(client: Client, es: ElasticsearchQuery, candidate: SourceQuery, baseline: SourceQuery): Promise<NewErrorKinds> {
  const [after, before] = await Promise.all([
    errorMessages(client, es, candidate, CANDIDATE_MESSAGES),
    errorMessages(client, es, baseline, BASELINE_MESSAGES),
  ]);
  return {
    kinds: compareErrorKinds(after.messages, before.messages),
    candidateErrors: after.errors,
    uncovered: { candidate: after.uncovered, baseline: before.uncovered },
  };
}
