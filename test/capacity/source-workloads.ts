import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Workload } from "./bank-workload.ts";

const MINUTE = 60_000;

/** The workload's series a query names: accounts_opened, accounts_closed, or CPU (anything else). */
export function seriesFor(w: Workload, query: string): Float64Array {
  if (query.includes("opened")) return w.opened;
  if (query.includes("closed")) return w.closed;
  return w.cpu;
}

/**
 * The workload over [start, end) in steps of `stepMs`, as (step start, value): a count summed over the step's minutes,
 * CPU averaged, as increase()/as_count()/doc_count and avg_over_time()/avg would give it.
 */
export function stepsOf(w: Workload, query: string, start: number, end: number, stepMs: number): [number, number][] {
  const values = seriesFor(w, query), mean = values === w.cpu;
  const out: [number, number][] = [];
  const first = w.t[0]!, last = first + w.t.length * MINUTE;
  for (let t = start; t < end; t += stepMs) {
    let sum = 0, n = 0;
    for (let m = Math.max(t, first); m < Math.min(t + stepMs, last); m += MINUTE) {
      sum += values[Math.round((m - first) / MINUTE)]!;
      n++;
    }
    if (n > 0) out.push([t, mean ? sum / n : sum]);
  }
  return out;
}

/**
 * A Prometheus HTTP API over a workload: query_range evaluated at T answers the step before T, as Prometheus does
 * for increase(x[step]) and avg_over_time(x[step]); records every query asked.
 */
export async function prometheusOver(w: Workload): Promise<{ url: string; queries: string[]; failWith?: number; close: () => Promise<void> }> {
  const state = { url: "", queries: [] as string[], failWith: undefined as number | undefined, close: async () => undefined as void };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const query = form.get("query") ?? "";
      state.queries.push(query);
      if (state.failWith) {
        res.writeHead(state.failWith, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "internal", error: "tsdb unavailable" }));
        return;
      }
      const step = Number(form.get("step")) * 1000;
      const start = Number(form.get("start")) * 1000 - step, end = Number(form.get("end")) * 1000;
      const values = stepsOf(w, query, start, end, step).map(([t, v]) => [(t + step) / 1000, String(v)]);
      const result = values.length ? [{ metric: {}, values }] : [];
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", data: { resultType: "matrix", result } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}

/** Datadog's timeseries answer (the shape of the recorded cassettes) for one query over [from, to). */
export function datadogTimeseries(w: Workload, body: string): string {
  const attributes = (JSON.parse(body) as { data: { attributes: { from: number; to: number; interval: number; queries: { query: string }[] } } }).data.attributes;
  const points = stepsOf(w, attributes.queries[0]!.query, attributes.from, attributes.to, attributes.interval);
  return JSON.stringify({ data: { id: "0", type: "timeseries_response", attributes: {
    series: [{ group_tags: [], query_index: 0, unit: null }], times: points.map(([t]) => t), values: [points.map(([, v]) => v)],
  } } });
}

type EsBody = { query: { bool: { filter: { range?: Record<string, { gte: number; lt: number }> }[] } }; aggs: { per_interval: { date_histogram: { fixed_interval: string } } } };

/** An Elasticsearch search answer: per-minute buckets, documents counted for a volume's index, CPU averaged for the resource. */
export function elasticsearchAnswer(w: Workload, index: string, body: EsBody) {
  const range = Object.values(body.query.bool.filter[0]!.range!)[0]!;
  const stepMs = Number.parseInt(body.aggs.per_interval.date_histogram.fixed_interval, 10) * 1000;
  const volume = !index.includes("metrics");
  const buckets = stepsOf(w, index, range.gte, range.lt, stepMs).map(([t, v]) =>
    volume ? { key: t, doc_count: v, errors: { doc_count: 0 } } : { key: t, doc_count: 1, metric: { value: v } });
  return { took: 2, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { max_score: null, hits: [] }, aggregations: { per_interval: { buckets } } };
}
