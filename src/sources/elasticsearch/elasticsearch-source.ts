import type { Client } from "@elastic/elasticsearch";
import type { Config, ElasticsearchConfig } from "../../config.ts";
import { NoDataError, SourceError, type MetricSource, type SourceHealth, type SourceQuery, type SourceSeries } from "../source.ts";
import { createElasticsearchClient, describeTarget, secretsOf, type ClientOptions } from "./elasticsearch-client.ts";
import type { NewErrorKinds } from "./error-kinds.ts";
import { findNewErrorKinds } from "./new-error-kinds.ts";
import { elasticsearchQuerySchema, type ElasticsearchQuery } from "./query-schema.ts";
import { latencyScale, searchRequest } from "./search-request.ts";
import { MalformedAnswerError, readSeries } from "./series-reader.ts";
import { toSourceError, type ErrorContext } from "./source-errors.ts";

const HEALTH_TIMEOUT_MS = 2000;

/** Parses a signal's `query` block; the rule loader validated it already, so a failure here is a programming error made visible. */
export function parseQuery(q: SourceQuery): ElasticsearchQuery {
  const parsed = elasticsearchQuerySchema.safeParse(q.signal.query ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `query.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new SourceError("elasticsearch", `signal ${q.signal.name}: ${where}`, false);
  }
  return parsed.data;
}

/** Reads error counts, latency percentiles and metric means per interval from the team's log indices. */
export class ElasticsearchSource implements MetricSource {
  readonly kind = "elasticsearch" as const;
  private readonly target: string;
  private readonly secrets: string[];

  constructor(
    private readonly client: Client,
    private readonly es: ElasticsearchConfig,
  ) {
    this.target = describeTarget(es);
    this.secrets = secretsOf(es);
  }

  async query(q: SourceQuery): Promise<SourceSeries> {
    const es = parseQuery(q);
    const field = this.fieldOf(q, es);
    const ctx = this.context(es.index);
    let answer;
    try {
      answer = await this.client.search(searchRequest(q, es, field), q.abort ? { signal: q.abort } : {});
    } catch (err) {
      throw toSourceError(err, ctx);
    }
    try {
      const { series, documents } = readSeries(q.signal.kind, answer.aggregations, q.start, q.end, q.signal.kind === "latency" ? latencyScale(es) : 1);
      if (documents === 0) throw new NoDataError("elasticsearch", `no documents in ${es.index} for ${q.service} in ${q.environment}${q.version ? ` version ${q.version}` : ""}`);
      if (series.kind === "values" && series.points.length === 0) throw new NoDataError("elasticsearch", `no values of ${field} in ${es.index}`);
      return series;
    } catch (err) {
      if (err instanceof MalformedAnswerError) throw toSourceError(new Error(err.message), ctx);
      throw err;
    }
  }

  /** Error kinds in the candidate window's logs that the baseline's logs do not have ("3 new kinds of error…"). */
  async newErrorKinds(candidate: SourceQuery, baseline: SourceQuery): Promise<NewErrorKinds> {
    const es = parseQuery(candidate);
    try {
      return await findNewErrorKinds(this.client, es, candidate, baseline);
    } catch (err) {
      throw toSourceError(err, this.context(es.index));
    }
  }

  async health(): Promise<SourceHealth> {
    const started = Date.now();
    try {
      const h = await this.client.cluster.health({ timeout: `${HEALTH_TIMEOUT_MS}ms` }, { requestTimeout: HEALTH_TIMEOUT_MS, maxRetries: 0 });
      const ms = Date.now() - started;
      return { ok: h.status !== "red", detail: `${h.status} (${ms} ms) at ${this.target}` };
    } catch (err) {
      return { ok: false, detail: toSourceError(err, { ...this.context(undefined), timeoutMs: HEALTH_TIMEOUT_MS }).message };
    }
  }

  private fieldOf(q: SourceQuery, es: ElasticsearchQuery): string | undefined {
    if (q.signal.kind === "latency") {
      if (!es.fields.latency) throw new SourceError("elasticsearch", `signal ${q.signal.name}: query.fields.latency is required for a latency signal`, false);
      return es.fields.latency;
    }
    if (q.signal.kind === "metric") {
      const field = es.metric_field ?? q.signal.metric;
      if (!field) throw new SourceError("elasticsearch", `signal ${q.signal.name}: give query.metric_field or the signal's metric`, false);
      return field;
    }
    return undefined;
  }

  private context(index: string | undefined): ErrorContext {
    return { target: this.target, index, timeoutMs: this.es.timeoutMs, secrets: this.secrets };
  }
}

/** The Elasticsearch source when DEPLOY_GUARD_ES_URL or DEPLOY_GUARD_ES_CLOUD_ID is set. */
export function createElasticsearchSource(config: Config, options: ClientOptions = {}): ElasticsearchSource | undefined {
  if (!config.elasticsearch) return undefined;
  return new ElasticsearchSource(createElasticsearchClient(config.elasticsearch, options), config.elasticsearch);
}
