import type { SourceSeries } from "../source.ts";

/** The shapes we read from a search answer: date_histogram buckets with our sub-aggregations. */
interface IntervalBucket {
  key: number;
  doc_count: number;
  errors?: { doc_count: number };
  latency?: { values: { key: number; value: number | null }[] | Record<string, number | null> };
  metric?: { value: number | null };
}

export class MalformedAnswerError extends Error {}

function bucketsOf(aggregations: unknown): IntervalBucket[] {
  const buckets = (aggregations as { per_interval?: { buckets?: unknown } } | undefined)?.per_interval?.buckets;
  if (!Array.isArray(buckets)) throw new MalformedAnswerError("the answer has no per_interval date_histogram buckets");
  return buckets as IntervalBucket[];
}

/** keyed: false gives [{key, value}]; keyed (the default) gives {"50.0": value} — accept both. */
function percentileOf(values: NonNullable<IntervalBucket["latency"]>["values"]): number | null {
  const first = Array.isArray(values) ? values[0]?.value : Object.values(values)[0];
  return typeof first === "number" && Number.isFinite(first) ? first : null;
}

/** Buckets → the interface's series; only buckets inside [start, end); `documents` is the total for the no-data test. */
export function readSeries(kind: "error_rate" | "latency" | "metric", aggregations: unknown, start: number, end: number, scale = 1): { series: SourceSeries; documents: number } {
  const buckets = bucketsOf(aggregations).filter((b) => b.key >= start && b.key < end);
  const documents = buckets.reduce((n, b) => n + b.doc_count, 0);
  if (kind === "error_rate") {
    return { documents, series: { kind: "counts", points: buckets.map((b) => ({ t: b.key, events: b.errors?.doc_count ?? 0, exposure: b.doc_count })) } };
  }
  const points: { t: number; value: number }[] = [];
  for (const b of buckets) {
    const value = kind === "latency" ? (b.latency ? percentileOf(b.latency.values) : null) : b.metric?.value ?? null;
    if (b.doc_count > 0 && value !== null) points.push({ t: b.key, value: value * scale });
  }
  return { documents, series: { kind: "values", points } };
}
