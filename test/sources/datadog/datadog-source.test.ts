import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createDatadogSource } from "../../../src/sources/datadog/datadog-source.ts";
import { callSource } from "../../../src/sources/source-call.ts";
import { NoDataError, SourceError, type MetricSource, type SourceQuery } from "../../../src/sources/source.ts";
import { cassette, example, ReplayServer } from "./replay-server.ts";

const API_KEY = "dd-api-key-0123456789abcdef01";
const APP_KEY = "dd-app-key-fedcba98765432100123";
const TIMESERIES = "/api/v2/query/timeseries";
const AGGREGATE = "/api/v2/logs/analytics/aggregate";
const T0 = Date.parse("2026-11-21T10:00:00Z");

const server = new ReplayServer();
let source: MetricSource;

function sourceWith(env: Record<string, string> = {}): MetricSource {
  const config = loadConfig({ DEPLOY_GUARD_DD_API_KEY: API_KEY, DEPLOY_GUARD_DD_APP_KEY: APP_KEY, DEPLOY_GUARD_DD_BASE_URL: server.url, ...env });
  const s = createDatadogSource(config);
  if (!s) throw new Error("expected a Datadog source");
  return s;
}

function query(signal: SourceQuery["signal"], over: Partial<SourceQuery> = {}): SourceQuery {
  return { signal, service: "checkout", environment: "production", version: "1.4.2", start: T0, end: T0 + 5 * 60_000, stepSeconds: 60, ...over };
}

const errorRate = (q: Record<string, unknown>) => ({ name: "error_rate", kind: "error_rate" as const, query: q });
const METRICS_ERRORS = {
  errors: "sum:trace.http.request.errors{service:{{service}} AND env:{{environment}} AND version:{{version}} AND {{hosts}}}.as_count()",
  requests: "sum:trace.http.request.hits{service:{{service}} AND env:{{environment}} AND {{hosts}}}.as_count()",
};
const P95 = { name: "latency_p95", kind: "latency" as const, query: { value: "p95:trace.http.request{service:{{service}},env:{{environment}},version:{{version}}}", scale: 1000 } };

/** Everything the client wrote to the console while `run` ran, to prove no key reaches it. */
async function consoleDuring(run: () => Promise<unknown>): Promise<string> {
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => undefined));
  try {
    await run().catch(() => undefined);
    return spies.flatMap((s) => s.mock.calls.map((c) => c.map(String).join(" "))).join("\n");
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

beforeAll(async () => {
  await server.start();
  source = sourceWith();
});
afterEach(() => server.reset());
afterAll(() => server.close());

describe("Datadog source: metric queries through the official client", () => {
  it("sends the rendered query to the timeseries API with both keys and maps the recorded answer to one value per interval", async () => {
    server.answer("POST", TIMESERIES, cassette("v2/Metrics_2046978582/Timeseries-cross-product-query-returns-OK-response_1643865340"));
    const start = 1711977600000;
    const series = await source.query(query(P95, { service: "Checkout API", start, end: start + 3_600_000 }));

    const [sent] = server.sent("POST", TIMESERIES);
    expect(sent?.headers["dd-api-key"]).toBe(API_KEY);
    expect(sent?.headers["dd-application-key"]).toBe(APP_KEY);
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      data: {
        type: "timeseries_request",
        attributes: {
          from: start, to: start + 3_600_000, interval: 60_000,
          queries: [{ data_source: "metrics", name: "value", query: "p95:trace.http.request{service:checkout_api,env:production,version:1.4.2}" }],
          formulas: [{ formula: "value" }],
        },
      },
    });
    // Recorded times 10:00:45, 10:01:45, 10:43:45 fall in the intervals starting at whole minutes; scale 1000 applied.
    expect(series).toEqual({ kind: "values", points: [{ t: start, value: 1000 }, { t: start + 60_000, value: 1000 }, { t: start + 43 * 60_000, value: 87_000 }] });
  });

  it("reads an error rate from two metric queries: errors out of requests per interval, hosts as a tag filter", async () => {
    server.answer("POST", TIMESERIES, example("timeseries-error-rate.json"));
    const series = await source.query(query(errorRate(METRICS_ERRORS), { version: undefined, hosts: ["web-1", "Web 2"] }));

    const body = JSON.parse(server.sent("POST", TIMESERIES)[0]?.body ?? "") as { data: { attributes: { queries: unknown[]; formulas: unknown[] } } };
    expect(body.data.attributes.queries).toEqual([
      { data_source: "metrics", name: "errors", query: "sum:trace.http.request.errors{service:checkout AND env:production AND version:* AND (host:web-1 OR host:web_2)}.as_count()" },
      { data_source: "metrics", name: "requests", query: "sum:trace.http.request.hits{service:checkout AND env:production AND (host:web-1 OR host:web_2)}.as_count()" },
    ]);
    expect(body.data.attributes.formulas).toEqual([{ formula: "errors" }, { formula: "requests" }]);
    // No errors reported in minute 2 means none; minute 3 has no request count and is left out.
    expect(series).toEqual({ kind: "counts", points: [
      { t: T0, events: 2, exposure: 1000 }, { t: T0 + 60_000, events: 0, exposure: 1100 }, { t: T0 + 180_000, events: 1, exposure: 900 },
    ] });
  });

  it("reads an error rate from log counts: two aggregations with quoted, escaped values", async () => {
    server.pick("POST", AGGREGATE, (req) => example(req.body.includes("status:error") ? "logs-aggregate-errors.json" : "logs-aggregate-requests.json"));
    const logs = { errors: "service:{{service}} env:{{environment}} status:error {{hosts}}", requests: "service:{{service}} env:{{environment}} {{hosts}}", indexes: ["main"] };
    const series = await source.query(query(errorRate({ logs }), { service: 'check"out\\', excludeHosts: ["web-3"] }));

    const bodies = server.sent("POST", AGGREGATE).map((r) => JSON.parse(r.body) as { filter: { query: string } }).sort((a, b) => a.filter.query.length - b.filter.query.length);
    expect(bodies).toEqual([
      { compute: [{ aggregation: "count", type: "timeseries", interval: "1m" }], filter: { from: String(T0), to: String(T0 + 300_000), indexes: ["main"], query: 'service:"check\\"out\\\\" env:"production" (NOT host:"web-3")' } },
      { compute: [{ aggregation: "count", type: "timeseries", interval: "1m" }], filter: { from: String(T0), to: String(T0 + 300_000), indexes: ["main"], query: 'service:"check\\"out\\\\" env:"production" status:error (NOT host:"web-3")' } },
    ]);
    expect(series).toEqual({ kind: "counts", points: [
      { t: T0, events: 3, exposure: 120 }, { t: T0 + 60_000, events: 0, exposure: 131 }, { t: T0 + 120_000, events: 1, exposure: 118 },
    ] });
  });

  it("answers NoDataError when the recorded answer has no series or no buckets", async () => {
    server.answer("POST", TIMESERIES, cassette("v2/Metrics_2046978582/Timeseries-cross-product-query-with-logs-data-source-returns-OK-response_1937179526"));
    server.answer("POST", AGGREGATE, cassette("v2/Logs_1370058150/Aggregate-compute-events-returns-OK-response_3862097832"));
    await expect(source.query(query(P95))).rejects.toBeInstanceOf(NoDataError);
    await expect(source.query(query(errorRate({ logs: { errors: "status:error", requests: "*" } })))).rejects.toThrow(/no logs for checkout in production version 1.4.2/);
    expect(server.sent("POST", TIMESERIES)).toHaveLength(1);
  });

  it("refuses a window limited to some hosts when the query has no {{hosts}}, without asking Datadog", async () => {
    const err = await source.query(query(P95, { hosts: ["web-1"] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining("no {{hosts}} filter") });
    expect(server.requests).toHaveLength(0);
  });
});

describe("Datadog source: errors, retries and health", () => {
  it("does not retry a 403, and names neither key in the error or on the console", async () => {
    server.answer("POST", TIMESERIES, example("forbidden.json", 403));
    let err: unknown;
    const printed = await consoleDuring(async () => (err = await source.query(query(P95)).catch((e: unknown) => e)));
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ source: "datadog", retryable: false });
    expect((err as Error).message).toMatch(/^403 from 127\.0\.0\.1:\d+: the API or application key was refused/);
    expect(`${(err as Error).message}\n${printed}`).not.toMatch(new RegExp(`${API_KEY}|${APP_KEY}`));
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry the recorded 400 and passes on Datadog's reason", async () => {
    server.answer("POST", TIMESERIES, cassette("v2/Metrics_2046978582/Timeseries-cross-product-query-returns-Bad-Request-response_2888179510"));
    await expect(source.query(query(P95))).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('400 from 127.0.0.1') });
    await expect(source.query(query(P95))).rejects.toThrow('API input validation failed: Invalid type. Expected "timeseries_request".');
    expect(server.requests).toHaveLength(2);
  });

  it("calls a 429 and a 503 retryable; callSource's retries then get the recorded answer", async () => {
    server.answer("POST", TIMESERIES, example("too-many-requests.json", 429), example("service-unavailable.json", 503),
      cassette("v2/Metrics_2046978582/Timeseries-cross-product-query-returns-OK-response_1643865340"));
    const window = { start: 1711977600000, end: 1711981200000 };
    await expect(source.query(query(P95, window))).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/^429 from /) });
    expect(server.requests).toHaveLength(1);
    const series = await callSource(source, query(P95, window), { timeoutMs: 5000, retries: 2, backoffMs: 1 });
    expect(series.kind === "values" && series.points.map((p) => p.value)).toEqual([1000, 1000, 87_000]);
    expect(server.requests).toHaveLength(3);
  });

  it("asks once: a 503 is a retryable error, and the client does not try again by itself", async () => {
    server.answer("POST", TIMESERIES, example("service-unavailable.json", 503));
    await expect(source.query(query(P95))).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/^503 from .*Service Unavailable$/) });
    expect(server.requests).toHaveLength(1);
  });

  it("counts a slow answer as a retryable timeout", async () => {
    const slow = sourceWith({ DEPLOY_GUARD_DD_TIMEOUT_MS: "150" });
    server.answer("POST", TIMESERIES, { ...example("timeseries-error-rate.json"), delayMs: 1000 });
    await expect(slow.query(query(P95))).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/^timed out after 150 ms waiting for 127\.0\.0\.1:\d+$/) });
  });

  it("checks health with the validate endpoint", async () => {
    server.answer("GET", "/api/v1/validate", example("validate.json"));
    const health = await source.health();
    expect(health.ok).toBe(true);
    expect(health.detail).toMatch(/^ok \(\d+ ms\) at 127\.0\.0\.1:\d+$/);
    expect(server.requests[0]?.headers["dd-api-key"]).toBe(API_KEY);

    server.answer("GET", "/api/v1/validate", example("forbidden.json", 403));
    const down = await source.health();
    expect(down).toEqual({ ok: false, detail: expect.stringMatching(/^403 from 127\.0\.0\.1:\d+: the API or application key was refused/) });
  });

  it("is not built without keys, and a bad key is never echoed by the configuration error", () => {
    expect(createDatadogSource(loadConfig({}))).toBeUndefined();
    expect(() => loadConfig({ DEPLOY_GUARD_DD_API_KEY: API_KEY })).toThrow(/DEPLOY_GUARD_DD_API_KEY, DEPLOY_GUARD_DD_APP_KEY: set both or neither/);
    const err = (() => { try { loadConfig({ DEPLOY_GUARD_DD_API_KEY: "bad key!", DEPLOY_GUARD_DD_APP_KEY: APP_KEY }); } catch (e) { return e as Error; } })();
    expect(err?.message).toContain("DEPLOY_GUARD_DD_API_KEY: a Datadog API key (value hidden)");
    expect(err?.message).not.toContain("bad key!");
  });
});
