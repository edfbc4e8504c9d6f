import type { v2 } from "@datadog/datadog-api-client";
import { NoDataError, SourceError, type SourceQuery, type SourceSeries } from "../source.ts";

/** The start of the step-sized interval of [start, end) that holds t, or undefined when t lies outside the window. */
export function intervalOf(t: number, q: Pick<SourceQuery, "start" | "end" | "stepSeconds">): number | undefined {
  if (!Number.isFinite(t) || t < q.start || t >= q.end) return undefined;
  const step = q.stepSeconds * 1000;
  return q.start + Math.floor((t - q.start) / step) * step;
}

/** Per-interval sums of each formula's series (several series when the query groups, e.g. `by {host}`). */
function sumsByFormula(resp: v2.TimeseriesFormulaQueryResponse, formulas: number, q: SourceQuery): Map<number, number>[] {
  const a = resp.data?.attributes;
  const times = a?.times ?? [];
  const sums = Array.from({ length: formulas }, () => new Map<number, number>());
  (a?.series ?? []).forEach((s, i) => {
    const target = sums[s.queryIndex ?? i];
    const row = a?.values?.[i] ?? [];
    if (!target) return;
    times.forEach((t, j) => {
      const v = row[j];
      const at = intervalOf(t, q);
      if (v === null || v === undefined || !Number.isFinite(v) || at === undefined) return;
      target.set(at, (target.get(at) ?? 0) + v);
    });
  });
  return sums;
}

function noData(q: SourceQuery, what: string): NoDataError {
  return new NoDataError("datadog", `no ${what} for ${q.service} in ${q.environment}${q.version ? ` version ${q.version}` : ""}`);
}

/** Errors out of requests per interval from two formulas (0: errors, 1: requests); an interval without errors had none. */
export function countsFromTimeseries(resp: v2.TimeseriesFormulaQueryResponse, q: SourceQuery): SourceSeries {
  const [errors, requests] = sumsByFormula(resp, 2, q);
  if (!errors || !requests || requests.size === 0) throw noData(q, "requests");
  const points = [...requests].sort(([a], [b]) => a - b).map(([t, exposure]) => ({ t, events: errors.get(t) ?? 0, exposure }));
  return { kind: "counts", points };
}

/** One value per interval from one formula; a query that splits into several series cannot be one signal. */
export function valuesFromTimeseries(resp: v2.TimeseriesFormulaQueryResponse, q: SourceQuery, scale = 1): SourceSeries {
  const series = resp.data?.attributes?.series ?? [];
  if (series.length > 1) {
    throw new SourceError("datadog", `signal ${q.signal.name}: the metric query returns ${series.length} series; aggregate it to one (drop the 'by {…}')`, false);
  }
  const [values] = sumsByFormula(resp, 1, q);
  if (!values || values.size === 0) throw noData(q, "values");
  return { kind: "values", points: [...values].sort(([a], [b]) => a - b).map(([t, value]) => ({ t, value: value * scale })) };
}

/** Per-interval counts from a logs aggregation (compute c0, type timeseries), all buckets summed. */
export function countsFromLogBuckets(resp: v2.LogsAggregateResponse, q: SourceQuery): Map<number, number> {
  const counts = new Map<number, number>();
  for (const bucket of resp.data?.buckets ?? []) {
    const c0 = bucket.computes?.c0;
    if (!Array.isArray(c0)) continue;
    for (const p of c0) {
      const t = typeof p.time === "number" ? p.time : Date.parse(p.time ?? "");
      const at = intervalOf(t, q);
      if (at === undefined || typeof p.value !== "number") continue;
      counts.set(at, (counts.get(at) ?? 0) + p.value);
    }
  }
  return counts;
}

/** Joins the error and request counts of a logs aggregation into counts per interval. */
export function countsFromLogs(errors: Map<number, number>, requests: Map<number, number>, q: SourceQuery): SourceSeries {
  if (requests.size === 0) throw noData(q, "logs");
  const points = [...requests].sort(([a], [b]) => a - b).map(([t, exposure]) => ({ t, events: errors.get(t) ?? 0, exposure }));
  return { kind: "counts", points };
}

/** Datadog's interval strings: 1m, 5m, 1h, 30s. */
export function logInterval(stepSeconds: number): string {
  if (stepSeconds % 3600 === 0) return `${stepSeconds / 3600}h`;
  if (stepSeconds % 60 === 0) return `${stepSeconds / 60}m`;
  return `${stepSeconds}s`;
}
