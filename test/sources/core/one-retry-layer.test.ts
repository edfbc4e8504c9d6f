import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../../src/config.ts";
import { createDatadogSource } from "../../../src/sources/datadog/datadog-source.ts";
import { createElasticsearchSource } from "../../../src/sources/elasticsearch/elasticsearch-source.ts";
import { createPrometheusSource } from "../../../src/sources/prometheus/prometheus-source.ts";
import { callSource, sourceCallPolicy } from "../../../src/sources/source-call.ts";
import { SourceError, type MetricSource, type SourceQuery } from "../../../src/sources/source.ts";

const T0 = Date.parse("2026-11-21T10:00:00Z");
const RETRIES = 2;

/** A source server that is down: every request gets a 503, and is counted. */
let server: Server;
let url = "";
let requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(503, { "content-type": "application/json", "x-elastic-product": "Elasticsearch" });
      res.end(JSON.stringify({ status: "error", errorType: "unavailable", error: "service unavailable", errors: ["Service Unavailable"] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The Datadog client loads on first use (seconds on a busy machine) inside the first attempt's timeout; loaded here,
  // an attempt that times out while loading cannot make the count below look like a missing retry.
  await import("@datadog/datadog-api-client");
}, 60_000);
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => (requests = []));

// Every client's own retry setting is left at its default: the layer under test must not multiply with it.
const config = (env: Record<string, string>): Config => loadConfig({ DEPLOY_GUARD_SOURCE_RETRIES: String(RETRIES), DEPLOY_GUARD_LOG_LEVEL: "silent", ...env });
const query = (signal: SourceQuery["signal"]): SourceQuery => ({ signal, service: "checkout", environment: "production", start: T0, end: T0 + 5 * 60_000, stepSeconds: 60 });

async function failOnce(source: MetricSource, q: SourceQuery, c: Config): Promise<SourceError> {
  const err = await callSource(source, q, { ...sourceCallPolicy(c), backoffMs: 5 }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

describe("one outside-source failure makes exactly the configured number of attempts", () => {
  it("Prometheus over real HTTP: 1 + DEPLOY_GUARD_SOURCE_RETRIES requests, and the error says how many", async () => {
    const c = config({ DEPLOY_GUARD_PROMETHEUS_URL: url });
    const err = await failOnce(createPrometheusSource(c)!, query({ name: "p95", kind: "latency", query: { value: 'max(p95_ms{service="{{service}}"})' } }), c);
    expect(requests).toEqual(Array(RETRIES + 1).fill("POST /api/v1/query_range"));
    expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(/503 unavailable: service unavailable \(3 attempts\)$/) });
    expect(err.message).not.toMatch(/after \d+ attempts/);
  });

  it("Prometheus error rate: two queries an attempt (errors and requests), so at most twice the attempts", async () => {
    const c = config({ DEPLOY_GUARD_PROMETHEUS_URL: url });
    await failOnce(createPrometheusSource(c)!, query({ name: "errors", kind: "error_rate", query: { errors: "e", requests: "r" } }), c);
    expect(requests.length).toBeLessThanOrEqual(2 * (RETRIES + 1));
    expect(requests.length).toBeGreaterThanOrEqual(RETRIES + 1);
  });

  it("Elasticsearch through the official client: the client's own retries are off", async () => {
    const c = config({ DEPLOY_GUARD_ES_URL: url });
    const err = await failOnce(createElasticsearchSource(c)!, query({ name: "errors", kind: "error_rate", query: { index: "logs-checkout-*" } }), c);
    expect(requests).toEqual(Array(RETRIES + 1).fill("POST /logs-checkout-*/_search"));
    expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(/^503 from 127\.0\.0\.1:\d+.*\(3 attempts\)$/) });
  });

  it("Datadog through the official client: the client's own retries are off", async () => {
    const c = config({ DEPLOY_GUARD_DD_API_KEY: "dd-api-key-0123456789abcdef01", DEPLOY_GUARD_DD_APP_KEY: "dd-app-key-fedcba98765432100123", DEPLOY_GUARD_DD_BASE_URL: url });
    const p95 = { name: "latency_p95", kind: "latency" as const, query: { value: "p95:trace.http.request{service:{{service}},env:{{environment}}}" } };
    const err = await failOnce(createDatadogSource(c)!, query(p95), c);
    expect(requests).toEqual(Array(RETRIES + 1).fill("POST /api/v2/query/timeseries"));
    expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(/^503 from 127\.0\.0\.1:\d+.*\(3 attempts\)$/) });
  }, 20_000);

  it("the number of attempts follows the configuration, and an error a retry cannot heal is asked once", async () => {
    const c = config({ DEPLOY_GUARD_PROMETHEUS_URL: url });
    const err = await failOnce(createPrometheusSource(c)!, query({ name: "p95", kind: "latency", query: { value: "max(p95_ms)" } }), { ...c, sourceRetries: 5 });
    expect(err.retryable).toBe(true);
    expect(requests).toHaveLength(6);
    requests = [];
    const refused = await failOnce({ kind: "prometheus", health: async () => ({ ok: true, detail: "" }), query: async () => { requests.push("q"); throw new SourceError("prometheus", "401", false); } }, query({ name: "p95", kind: "latency" }), c);
    expect([refused.message, requests.length]).toEqual(["401", 1]);
  });
});
