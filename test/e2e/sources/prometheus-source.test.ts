import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createPrometheusSource } from "../../../src/sources/prometheus/prometheus-source.ts";
import { NoDataError, SourceError, type MetricSource, type SourceQuery } from "../../../src/sources/source.ts";
import { openMetrics, prometheusAvailable, startPrometheus, type CounterHistory, type RealPrometheus } from "./real-prometheus.ts";

// Three hosts; web-1 moves from 1.4.1 to 1.4.2 at minute 45. Counts are multiples of 4 (one quarter per 15 s scrape).
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
const MINUTES = 90;
const DEPLOY_MINUTE = 45;
const HOSTS = ["web-1", "web-2", "web-3"];
const requests = (i: number, m: number) => 4 * (10 + ((m * 7 + i * 3) % 10));
const errors = (i: number, m: number) => 4 * ((m + i) % 3);
const versionOf = (i: number, m: number) => (i === 0 && m >= DEPLOY_MINUTE ? "1.4.2" : "1.4.1");

function history(): string {
  const counters: CounterHistory[] = [];
  HOSTS.forEach((host, i) => {
    const spans = i === 0 ? [[0, DEPLOY_MINUTE], [DEPLOY_MINUTE, MINUTES]] : [[0, MINUTES]];
    for (const [from, to] of spans as [number, number][]) {
      const minutes = Array.from({ length: to - from }, (_, k) => from + k);
      const labels = { service: "checkout", environment: "production", version: versionOf(i, from), instance: `${host}:8080` };
      counters.push({ name: "http_requests", labels: { ...labels, code: "200" }, startMs: START + from * 60_000, perMinute: minutes.map((m) => requests(i, m) - errors(i, m)) });
      counters.push({ name: "http_requests", labels: { ...labels, code: "500" }, startMs: START + from * 60_000, perMinute: minutes.map((m) => errors(i, m)) });
    }
  });
  const histograms = HOSTS.map((host) => ({
    name: "http_request_duration_seconds", labels: { service: "checkout", instance: `${host}:8080` }, startMs: START, minutes: MINUTES,
    perBucket: (): [number, number][] => [[0.1, 160], [0.25, 20], [0.5, 16], [1, 4]],
  }));
  return openMetrics(counters, histograms);
}

/** The counts written, minute by minute, for the hosts a filter keeps. */
function expectedCounts(fromMinute: number, toMinute: number, keep: (i: number, m: number) => boolean) {
  return Array.from({ length: toMinute - fromMinute }, (_, k) => {
    const m = fromMinute + k;
    const kept = HOSTS.map((_, i) => i).filter((i) => keep(i, m));
    return { t: START + m * 60_000, events: kept.reduce((a, i) => a + errors(i, m), 0), exposure: kept.reduce((a, i) => a + requests(i, m), 0) };
  });
}

const SELECTOR = 'service="{{service}}",environment="{{environment}}",version=~"{{version}}",instance=~"{{hosts}}:[0-9]+",instance!~"{{excluded_hosts}}:[0-9]+"';
const COUNTS = {
  errors: `sum(increase(http_requests_total{${SELECTOR},code=~"5.."}[{{step}}]))`,
  requests: `sum(increase(http_requests_total{${SELECTOR}}[{{step}}]))`,
};

function query(over: Partial<SourceQuery> & { fromMinute: number; toMinute: number }, signal: Partial<SourceQuery["signal"]> = {}): SourceQuery {
  const { fromMinute, toMinute, ...rest } = over;
  return {
    signal: { name: "error_rate", kind: "error_rate", query: COUNTS, ...signal },
    service: "checkout", environment: "production", start: START + fromMinute * 60_000, end: START + toMinute * 60_000, stepSeconds: 60, ...rest,
  };
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const available = prometheusAvailable();

describe.skipIf(!available)("the Prometheus source against a real Prometheus", () => {
  let dir: string;
  let prometheus: RealPrometheus | undefined;
  let source: MetricSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dg-prometheus-"));
    prometheus = await startPrometheus(dir, history());
    source = createPrometheusSource(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: prometheus.url }))!;
  });

  afterAll(async () => {
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns each minute's errors and requests exactly as the counters were written", async () => {
    const series = await source.query(query({ fromMinute: 10, toMinute: 40 }));
    expect(series).toEqual({ kind: "counts", points: expectedCounts(10, 40, () => true) });
  });

  it("keeps only the version asked for, across the minute the hosts changed version", async () => {
    const candidate = await source.query(query({ fromMinute: 40, toMinute: 60, version: "1.4.2" }));
    expect(candidate).toEqual({ kind: "counts", points: expectedCounts(DEPLOY_MINUTE, 60, (i) => i === 0) });
    const old = await source.query(query({ fromMinute: 40, toMinute: 50, version: "1.4.1" }));
    expect(old).toEqual({ kind: "counts", points: expectedCounts(40, 50, (i, m) => versionOf(i, m) === "1.4.1") });
  });

  it("keeps only the hosts asked for, or all but the hosts left out", async () => {
    const only = await source.query(query({ fromMinute: 10, toMinute: 20, hosts: ["web-2"] }));
    expect(only).toEqual({ kind: "counts", points: expectedCounts(10, 20, (i) => i === 1) });
    const others = await source.query(query({ fromMinute: 10, toMinute: 20, excludeHosts: ["web-1"] }));
    expect(others).toEqual({ kind: "counts", points: expectedCounts(10, 20, (i) => i !== 0) });
  });

  it("matches host names literally: a dot in a name is not a wildcard", async () => {
    await expect(source.query(query({ fromMinute: 10, toMinute: 20, hosts: ["web.2"] }))).rejects.toBeInstanceOf(NoDataError);
  });

  it("reads a latency percentile from a histogram, one value per minute", async () => {
    const value = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{service}}"}[{{step}}]))) * 1000';
    const series = await source.query(query({ fromMinute: 0, toMinute: 5 }, { name: "latency_p95", kind: "latency", query: { value } }));
    // 95th of 200 a minute lies in (0.25, 0.5] after 180: 0.25 + 0.25 · (190 − 180) / 16 s.
    expect(series.kind).toBe("values");
    if (series.kind !== "values") return;
    expect(series.points.map((p) => p.t)).toEqual([0, 1, 2, 3, 4].map((m) => START + m * 60_000));
    for (const p of series.points) expect(p.value).toBeCloseTo(406.25, 6);
  });

  it("refuses a value query that returns one series per host instead of one", async () => {
    const value = 'rate(http_request_duration_seconds_count{service="{{service}}"}[{{step}}])';
    const err = await source.query(query({ fromMinute: 0, toMinute: 5 }, { name: "rps", kind: "metric", query: { value } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining("returned 3 series") });
  });

  it("says no data for a window in which nothing was recorded", async () => {
    await expect(source.query(query({ fromMinute: -120, toMinute: -60 }))).rejects.toBeInstanceOf(NoDataError);
    await expect(source.query(query({ fromMinute: 10, toMinute: 20, service: "nobody" }))).rejects.toBeInstanceOf(NoDataError);
  });

  it("quotes Prometheus's own message for bad PromQL and does not retry it", async () => {
    const bad = { errors: "sum(rate(http_requests_total[1m])", requests: COUNTS.requests };
    const err = await source.query(query({ fromMinute: 10, toMinute: 20 }, { query: bad })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ source: "prometheus", retryable: false });
    expect((err as Error).message).toMatch(/^signal error_rate, errors: 127\.0\.0\.1:\d+ answered 400 bad_data: .*parse error.*unclosed left parenthesis/);
    expect((err as Error).message).not.toContain("attempts");
  });

  it("reports itself ready", async () => {
    expect(await source.health()).toMatchObject({ ok: true, detail: expect.stringMatching(/^ok \(\d+ ms\)$/) });
  });
});

describe("the Prometheus source without a Prometheus", () => {
  it("calls an unreachable server retryable, after one attempt, and unhealthy", async () => {
    const port = await closedPort();
    const source = createPrometheusSource(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: `http://127.0.0.1:${port}` }))!;
    const err = await source.query(query({ fromMinute: 0, toMinute: 5 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err).toMatchObject({ retryable: true, message: `signal error_rate, errors: cannot reach 127.0.0.1:${port}: ECONNREFUSED` });
    expect(await source.health()).toEqual({ ok: false, detail: `cannot reach 127.0.0.1:${port}: ECONNREFUSED` });
  });

  it("is not built when no URL is configured", () => {
    expect(createPrometheusSource(loadConfig({}))).toBeUndefined();
  });
});
