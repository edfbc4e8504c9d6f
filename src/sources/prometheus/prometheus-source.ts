import type { Config } from "../../config.ts";
import { NoDataError, SourceError, type MetricSource, type SourceQuery, type SourceSeries } from "../source.ts";
import { PrometheusClient, type MatrixSeries } from "./prometheus-client.ts";
import { prometheusQueryProblem, prometheusQuerySchema, type PrometheusQuery } from "./query-schema.ts";
import { renderPromql, TemplateError } from "./query-template.ts";

/** The Prometheus source when DEPLOY_GUARD_PROMETHEUS_URL is set. */
export function createPrometheusSource(config: Config): MetricSource | undefined {
  return config.prometheus ? new PrometheusSource(new PrometheusClient(config.prometheus)) : undefined;
}

/**
 * Reads a signal with `query_range`. A range query such as `increase(x[60s])` evaluated at time T covers the step
 * before T, so the interval [t, t + step) is the evaluation at t + step: the range asked for is shifted by one step.
 */
export class PrometheusSource implements MetricSource {
  readonly kind = "prometheus" as const;

  constructor(private readonly client: PrometheusClient) {}

  health() {
    return this.client.ready();
  }

  async query(q: SourceQuery): Promise<SourceSeries> {
    const query = this.queryBlock(q);
    if ("errors" in query) {
      const [errors, requests] = await Promise.all([this.fetch(q, "errors", query.errors), this.fetch(q, "requests", query.requests)]);
      if (requests.size === 0) throw new NoDataError("prometheus", `no requests for ${q.service} in ${q.environment} in the window (signal ${q.signal.name})`);
      // increase() extrapolates to fractional counts; the rate tests need whole events, never more than the requests.
      const points = [...requests].map(([t, exposure]) => ({ t, exposure: Math.round(exposure), events: Math.min(Math.round(errors.get(t) ?? 0), Math.round(exposure)) }));
      return { kind: "counts", points };
    }
    const values = await this.fetch(q, "value", query.value, true);
    if (values.size === 0) throw new NoDataError("prometheus", `no values for ${q.service} in ${q.environment} in the window (signal ${q.signal.name})`);
    return { kind: "values", points: [...values].map(([t, value]) => ({ t, value })) };
  }

  private queryBlock(q: SourceQuery): PrometheusQuery {
    const parsed = prometheusQuerySchema.safeParse(q.signal.query);
    if (!parsed.success) throw new SourceError("prometheus", `signal ${q.signal.name}: query needs errors and requests, or value, as PromQL`, false);
    const problem = prometheusQueryProblem(q.signal.kind, parsed.data);
    if (problem) throw new SourceError("prometheus", `signal ${q.signal.name}: ${problem}`, false);
    return parsed.data;
  }

  /** One template's answer as interval start (ms) → value, several series summed, oldest first. */
  private async fetch(q: SourceQuery, key: string, template: string, single = false): Promise<Map<number, number>> {
    let promql: string;
    try {
      promql = renderPromql(template, q);
    } catch (err) {
      if (err instanceof TemplateError) throw new SourceError("prometheus", `signal ${q.signal.name}, ${key}: ${err.message}`, false);
      throw err;
    }
    const step = q.stepSeconds;
    const series = await this.client.queryRange(promql, q.start / 1000 + step, q.end / 1000, step, q.abort).catch((err: unknown) => {
      throw err instanceof SourceError ? new SourceError("prometheus", `signal ${q.signal.name}, ${key}: ${err.message}`, err.retryable) : err;
    });
    if (single && series.length > 1) {
      throw new SourceError("prometheus", `signal ${q.signal.name}, ${key}: the query returned ${series.length} series; aggregate it to one (sum, avg or max)`, false);
    }
    return sumByInterval(series, q);
  }
}

/** NaN (an empty histogram, 0/0) and ±Inf carry no comparable value and are left out, like a missing sample. */
function sumByInterval(series: MatrixSeries[], q: SourceQuery): Map<number, number> {
  const sums = new Map<number, number>();
  for (const s of series) {
    for (const [ts, raw] of s.values) {
      const value = Number(raw);
      const t = Math.round(ts * 1000) - q.stepSeconds * 1000;
      if (!Number.isFinite(value) || t < q.start || t >= q.end) continue;
      sums.set(t, (sums.get(t) ?? 0) + value);
    }
  }
  return new Map([...sums].sort(([a], [b]) => a - b));
}
