import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { callSource } from "../../../src/sources/source-call.ts";
import { NoDataError, SourceError } from "../../../src/sources/source.ts";
import { readSeries } from "../../../src/sources/elasticsearch/series-reader.ts";
import { errorBody, errorRateAnswer, latencyAnswer, searchAnswer, SHARED_VECTORS } from "./es-answers.ts";
import { API_KEY, esErrors, mockedSource, query, T0 } from "./es-mock.ts";

const minute = (i: number) => T0 + i * 60_000;

async function failure(p: Promise<unknown>): Promise<SourceError | NoDataError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof SourceError || err instanceof NoDataError)) throw new Error(`expected a SourceError or NoDataError, got ${String(err)}`);
  return err;
}

describe("Elasticsearch source: what it asks and what it reads", () => {
  it("turns a date_histogram with an errors filter into exact counts per minute", async () => {
    const { mock, source, requests } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      errorRateAnswer([
        { t: minute(0), docs: 1200, errors: 3 },
        { t: minute(1), docs: 1180, errors: 0 },
        { t: minute(2), docs: 0, errors: 0 },
        { t: minute(3), docs: 1315, errors: 41 },
        { t: minute(4), docs: 990, errors: 7 },
      ]),
    );
    const series = await source.query(query({ version: "1.4.2", hosts: ["web-1", "web-2"], excludeHosts: ["web-9"] }));
    expect(series).toEqual({
      kind: "counts",
      points: [
        { t: minute(0), events: 3, exposure: 1200 },
        { t: minute(1), events: 0, exposure: 1180 },
        { t: minute(2), events: 0, exposure: 0 },
        { t: minute(3), events: 41, exposure: 1315 },
        { t: minute(4), events: 7, exposure: 990 },
      ],
    });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /logs-checkout-*/_search"]);
    expect(requests[0]!.body).toEqual({
      size: 0,
      track_total_hits: false,
      query: {
        bool: {
          filter: [
            { range: { "@timestamp": { gte: T0, lt: minute(5), format: "epoch_millis" } } },
            { term: { "service.name": "checkout" } },
            { term: { "service.environment": "production" } },
            { term: { "service.version": "1.4.2" } },
            { terms: { "host.name": ["web-1", "web-2"] } },
          ],
          must_not: [{ terms: { "host.name": ["web-9"] } }],
        },
      },
      aggs: {
        per_interval: {
          date_histogram: { field: "@timestamp", fixed_interval: "60s", offset: "0ms", min_doc_count: 0, extended_bounds: { min: T0, max: minute(4) } },
          aggs: {
            errors: {
              filter: {
                bool: {
                  should: [
                    { range: { "http.response.status_code": { gte: 500 } } },
                    { term: { "log.level": { value: "error", case_insensitive: true } } },
                    { term: { "log.level": { value: "fatal", case_insensitive: true } } },
                    { term: { "log.level": { value: "critical", case_insensitive: true } } },
                  ],
                  minimum_should_match: 1,
                },
              },
            },
          },
        },
      },
    });
  });

  it("uses the rule's own field names, route, extra filter and error definition, with buckets starting at the window", async () => {
    const { mock, source, requests } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () => errorRateAnswer([{ t: minute(1), docs: 10, errors: 1 }]));
    const es = {
      index: "app-logs", time_field: "ts",
      fields: { service: "svc", environment: "env", version: "ver", host: "node", status: "code", level: "severity", route: "path" },
      filter: { query_string: "kind:access", term: { region: ["eu-1", "eu-2"], canary: false } },
      errors: { status_at_least: 502, levels: [] },
    };
    await source.query(query({ start: minute(1), end: minute(11), stepSeconds: 300, signal: { route: "/api/orders/*", query: es } }));
    const body = requests[0]!.body as { query: { bool: { filter: unknown[] } }; aggs: { per_interval: { date_histogram: unknown; aggs: unknown } } };
    expect(body.query.bool.filter).toEqual([
      { range: { ts: { gte: minute(1), lt: minute(11), format: "epoch_millis" } } },
      { term: { svc: "checkout" } },
      { term: { env: "production" } },
      { wildcard: { path: { value: "/api/orders/*" } } },
      { query_string: { query: "kind:access" } },
      { terms: { region: ["eu-1", "eu-2"] } },
      { term: { canary: false } },
    ]);
    expect(body.aggs.per_interval.date_histogram).toEqual({ field: "ts", fixed_interval: "300s", offset: "60000ms", min_doc_count: 0, extended_bounds: { min: minute(1), max: minute(6) } });
    expect(body.aggs.per_interval.aggs).toEqual({ errors: { filter: { bool: { should: [{ range: { code: { gte: 502 } } }], minimum_should_match: 1 } } } });
  });

  it("reads latency as one percentile per interval, in ms, skipping empty intervals", async () => {
    const { mock, source, requests } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      latencyAnswer(95, [
        { t: minute(0), docs: 812, value: 183_400_000 },
        { t: minute(1), docs: 0, value: null },
        { t: minute(2), docs: 790, value: 201_250_000 },
      ]),
    );
    const series = await source.query(query({ end: minute(3), signal: { name: "latency_p95", kind: "latency", query: { index: "logs-checkout-*", fields: { latency: "event.duration" }, latency_unit: "ns", percentile: 95 } } }));
    expect(series).toEqual({ kind: "values", points: [{ t: minute(0), value: 183.4 }, { t: minute(2), value: 201.25 }] });
    const aggs = (requests[0]!.body as { aggs: { per_interval: { aggs: unknown } } }).aggs.per_interval.aggs;
    expect(aggs).toEqual({ latency: { percentiles: { field: "event.duration", percents: [95], keyed: false } } });
  });

  it("averages a numeric field per interval for a metric signal", async () => {
    const { mock, source, requests } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      searchAnswer({ per_interval: { buckets: [{ key: minute(0), key_as_string: "x", doc_count: 4, metric: { value: 0.625 } }, { key: minute(1), key_as_string: "y", doc_count: 2, metric: { value: null } }] } }),
    );
    const series = await source.query(query({ end: minute(2), signal: { name: "heap", kind: "metric", metric: "jvm.heap.used_pct", query: { index: "metrics-*" } } }));
    expect(series).toEqual({ kind: "values", points: [{ t: minute(0), value: 0.625 }] });
    expect((requests[0]!.body as { aggs: { per_interval: { aggs: unknown } } }).aggs.per_interval.aggs).toEqual({ metric: { avg: { field: "jvm.heap.used_pct" } } });
  });

  it.skipIf(!SHARED_VECTORS.present)(`reads the reference's real percentiles answers, keyed and keyed=false${SHARED_VECTORS.note}`, () => {
    const vectors = (JSON.parse(readFileSync(SHARED_VECTORS.url, "utf8")) as { vectors: { name: string; expectedResponse: { aggregations: Record<string, { values: unknown }> } }[] }).vectors;
    for (const name of ["percentiles default (TDigest, compression 100)", "percentiles keyed=false"]) {
      const values = vectors.find((v) => v.name === name)!.expectedResponse.aggregations.load_time_outlier!.values;
      const { series } = readSeries("latency", { per_interval: { buckets: [{ key: T0, doc_count: 100, latency: { values } }] } }, T0, T0 + 60_000);
      // The first percentile the answer lists: 1.0 → 5.0 in the reference's TDigest answer.
      expect(series).toEqual({ kind: "values", points: [{ t: T0, value: 5 }] });
    }
  });
});

describe("Elasticsearch source: failures say whether a retry can help", () => {
  it("zero matching documents is no data, not an error", async () => {
    const { mock, source } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () => errorRateAnswer([0, 1, 2, 3, 4].map((i) => ({ t: minute(i), docs: 0, errors: 0 }))));
    const err = await failure(source.query(query({ version: "9.9.9" })));
    expect(err).toBeInstanceOf(NoDataError);
    expect(err.message).toBe("no documents in logs-checkout-* for checkout in production version 9.9.9");
  });

  it("an authentication failure is not retryable and never shows the key", async () => {
    const { mock, source, requests } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      new esErrors.ResponseError({ statusCode: 401, body: errorBody(401, "security_exception", `unable to authenticate with provided credentials ApiKey ${API_KEY}`), headers: {}, warnings: null, meta: {} as never }),
    );
    const err = await failure(source.query(query()));
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ source: "elasticsearch", retryable: false });
    expect(err.message).toBe("401 from es.internal:9200: authentication failed; check DEPLOY_GUARD_ES_API_KEY or DEPLOY_GUARD_ES_USERNAME/PASSWORD");
    expect(err.message).not.toContain(API_KEY);
    expect(requests).toHaveLength(1);
  });

  it("a missing index is not retryable and says which", async () => {
    const { mock, source } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      new esErrors.ResponseError({ statusCode: 404, body: errorBody(404, "index_not_found_exception", "no such index [logs-checkout-*]"), headers: {}, warnings: null, meta: {} as never }),
    );
    const err = await failure(source.query(query()));
    expect(err).toMatchObject({ retryable: false, message: "404 from es.internal:9200: index_not_found_exception: no such index [logs-checkout-*]" });
  });

  it("a 503 is retryable: callSource asks again and uses the second answer", async () => {
    const { mock, source, requests } = mockedSource();
    let calls = 0;
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      ++calls === 1
        ? new esErrors.ResponseError({ statusCode: 503, body: errorBody(503, "search_phase_execution_exception", "all shards failed"), headers: {}, warnings: null, meta: {} as never })
        : errorRateAnswer([{ t: minute(0), docs: 50, errors: 2 }]),
    );
    const series = await callSource(source, query(), { timeoutMs: 5000, retries: 1, backoffMs: 1 });
    expect(series).toEqual({ kind: "counts", points: [{ t: minute(0), events: 2, exposure: 50 }] });
    expect(requests).toHaveLength(2);
  });

  it("503 is asked once by the client, whatever DEPLOY_GUARD_ES_MAX_RETRIES says, and is retryable", async () => {
    const { mock, source, requests } = mockedSource({ DEPLOY_GUARD_ES_MAX_RETRIES: "2" });
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      new esErrors.ResponseError({ statusCode: 503, body: errorBody(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]"), headers: {}, warnings: null, meta: {} as never }),
    );
    const err = await failure(source.query(query()));
    expect(err).toMatchObject({ retryable: true, message: "503 from es.internal:9200: cluster_block_exception: blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]" });
    expect(requests).toHaveLength(1);
  });

  it("429 (too many requests) and timeouts are retryable", async () => {
    const { mock, source } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, () =>
      new esErrors.ResponseError({ statusCode: 429, body: errorBody(429, "es_rejected_execution_exception", "rejected execution"), headers: {}, warnings: null, meta: {} as never }),
    );
    expect(await failure(source.query(query()))).toMatchObject({ retryable: true });
    mock.clearAll();
    mock.add({ method: "POST", path: "/:index/_search" }, () => new esErrors.TimeoutError("Request timed out"));
    expect(await failure(source.query(query()))).toMatchObject({ retryable: true, message: "timed out after 10000 ms waiting for es.internal:9200" });
  });

  it("a latency signal without a latency field is a clear, non-retryable error", async () => {
    const { source } = mockedSource();
    const err = await failure(source.query(query({ signal: { name: "p50", kind: "latency" } })));
    expect(err).toMatchObject({ retryable: false, message: "signal p50: query.fields.latency is required for a latency signal" });
  });

  it("credentials in the URL never reach a message", async () => {
    const { mock, source } = mockedSource({ DEPLOY_GUARD_ES_URL: "http://guard:s3cret-pass@es.internal:9200", DEPLOY_GUARD_ES_API_KEY: "", DEPLOY_GUARD_ES_MAX_RETRIES: "0" });
    mock.add({ method: "POST", path: "/:index/_search" }, () => new esErrors.ConnectionError("connect ECONNREFUSED http://guard:s3cret-pass@es.internal:9200"));
    const err = await failure(source.query(query()));
    expect(err).toMatchObject({ retryable: true });
    expect(err.message).toBe("cannot reach es.internal:9200: connect ECONNREFUSED http://[redacted]:[redacted]@es.internal:9200");
  });

  it("health is the cluster's status, or why it could not be read", async () => {
    const { mock, source } = mockedSource();
    mock.add({ method: "GET", path: "/_cluster/health" }, () => ({ cluster_name: "logs", status: "yellow", timed_out: false, number_of_nodes: 1 }));
    const ok = await source.health();
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/^yellow \(\d+ ms\) at es\.internal:9200$/);
    mock.clearAll();
    mock.add({ method: "GET", path: "/_cluster/health" }, () =>
      new esErrors.ResponseError({ statusCode: 401, body: errorBody(401, "security_exception", "missing authentication credentials"), headers: {}, warnings: null, meta: {} as never }),
    );
    expect(await source.health()).toEqual({ ok: false, detail: "401 from es.internal:9200: authentication failed; check DEPLOY_GUARD_ES_API_KEY or DEPLOY_GUARD_ES_USERNAME/PASSWORD" });
  });
});
