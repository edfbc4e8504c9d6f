import type { v2 } from "@datadog/datadog-api-client";
import type { Config, DatadogConfig } from "../../config.ts";
import { SourceError, type MetricSource, type SourceHealth, type SourceQuery, type SourceSeries } from "../source.ts";
import { datadogApis, describeTarget, type DatadogApis } from "./datadog-client.ts";
import { toSourceError, type ErrorContext } from "./datadog-errors.ts";
import { datadogQueryKindIssue, datadogQuerySchema, type DatadogQuery } from "./query-schema.ts";
import { renderQuery, type QuerySyntax } from "./query-template.ts";
import { countsFromLogBuckets, countsFromLogs, countsFromTimeseries, logInterval, valuesFromTimeseries } from "./series-mapping.ts";

const HEALTH_TIMEOUT_MS = 2000;

/** Parses a signal's `query` block; the rule loader validated it already, so a failure here is a programming error made visible. */
function parseQuery(q: SourceQuery): DatadogQuery {
  const parsed = datadogQuerySchema.safeParse(q.signal.query ?? {});
  const problem = parsed.success ? datadogQueryKindIssue(q.signal.kind, parsed.data) : parsed.error.issues.map((i) => `query.${i.path.join(".")}: ${i.message}`).join("; ");
  if (!parsed.success || problem) throw new SourceError("datadog", `signal ${q.signal.name}: ${problem}`, false);
  return parsed.data;
}

/**
 * Reads error counts and metric values per interval from Datadog: metric queries (timeseries API) or log counts.
 * One attempt per query; callSource (src/sources/source-call.ts) retries what the error calls retryable.
 */
export class DatadogSource implements MetricSource {
  readonly kind = "datadog" as const;
  private readonly ctx: ErrorContext;

  constructor(
    private readonly apis: () => Promise<DatadogApis>,
    private readonly dd: DatadogConfig,
  ) {
    this.ctx = { target: describeTarget(dd), timeoutMs: dd.timeoutMs, secrets: [dd.apiKey, dd.appKey] };
  }

  async query(q: SourceQuery): Promise<SourceSeries> {
    return this.once(q, parseQuery(q));
  }

  async health(): Promise<SourceHealth> {
    try {
      const apis = await this.apis();
      const started = Date.now();
      const answer = await apis.auth.validate(apis.options(HEALTH_TIMEOUT_MS));
      const ms = Date.now() - started;
      return answer.valid ? { ok: true, detail: `ok (${ms} ms) at ${this.ctx.target}` } : { ok: false, detail: `API key not valid at ${this.ctx.target}` };
    } catch (err) {
      return { ok: false, detail: toSourceError(err, { ...this.ctx, timeoutMs: HEALTH_TIMEOUT_MS }).message };
    }
  }

  private async once(q: SourceQuery, dq: DatadogQuery): Promise<SourceSeries> {
    const apis = await this.apis();
    const options = apis.options(this.dd.timeoutMs, q.abort);
    try {
      if (dq.logs) {
        const { logs } = dq;
        const count = async (template: string) => {
          const body: v2.LogsAggregateRequest = {
            compute: [{ aggregation: "count", type: "timeseries", interval: logInterval(q.stepSeconds) }],
            filter: { from: String(q.start), to: String(q.end), query: render(template, q, "log"), indexes: logs.indexes },
          };
          const answer = await apis.logs.aggregateLogs({ body }, options);
          if (answer.meta?.status === "timeout") throw new SourceError("datadog", `log aggregation at ${this.ctx.target} timed out (partial results)`, true);
          return countsFromLogBuckets(answer, q);
        };
        const [errors, requests] = await Promise.all([count(logs.errors), count(logs.requests)]);
        return countsFromLogs(errors, requests, q);
      }
      const templates: Record<string, string> = dq.value !== undefined ? { value: dq.value } : { errors: dq.errors ?? "", requests: dq.requests ?? "" };
      const answer = await apis.metrics.queryTimeseriesData({ body: timeseriesRequest(q, templates) }, options);
      if (answer.errors && !answer.data?.attributes?.series?.length) throw new SourceError("datadog", `${this.ctx.target} could not run the query: ${answer.errors}`, false);
      return dq.value !== undefined ? valuesFromTimeseries(answer, q, dq.scale ?? 1) : countsFromTimeseries(answer, q);
    } catch (err) {
      throw toSourceError(err, this.ctx);
    }
  }
}

/** Renders a template, refusing one that cannot honour the window's host filter (rolling batches, concurrent baselines). */
function render(template: string, q: SourceQuery, syntax: QuerySyntax): string {
  const limited = (q.hosts?.length ?? 0) > 0 || (q.excludeHosts?.length ?? 0) > 0;
  if (limited && !/\{\{\s*hosts\s*\}\}/.test(template)) {
    throw new SourceError("datadog", `signal ${q.signal.name}: this window is limited to some hosts, but the query has no {{hosts}} filter`, false);
  }
  return renderQuery(template, q, syntax);
}

/** One timeseries request: a named metric query and formula per template, at the window's step. */
export function timeseriesRequest(q: SourceQuery, templates: Record<string, string>): v2.TimeseriesFormulaQueryRequest {
  const names = Object.keys(templates);
  return {
    data: {
      type: "timeseries_request",
      attributes: {
        from: q.start,
        to: q.end,
        interval: q.stepSeconds * 1000,
        queries: names.map((name) => ({ dataSource: "metrics", name, query: render(templates[name] ?? "", q, "metric") })),
        formulas: names.map((name) => ({ formula: name })),
      },
    },
  };
}

/** The Datadog source when DEPLOY_GUARD_DD_API_KEY and DEPLOY_GUARD_DD_APP_KEY are set. */
export function createDatadogSource(config: Config): MetricSource | undefined {
  if (!config.datadog) return undefined;
  const apis = datadogApis(config.datadog);
  // Load the client now, in the background, so the first verdict or /readyz does not wait for it.
  void apis().catch(() => undefined);
  return new DatadogSource(apis, config.datadog);
}
