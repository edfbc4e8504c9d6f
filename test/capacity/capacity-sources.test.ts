import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createDatadogSource } from "../../src/sources/datadog/datadog-source.ts";
import { createPrometheusSource } from "../../src/sources/prometheus/prometheus-source.ts";
import type { MetricSource, SourceKind } from "../../src/sources/source.ts";
import { ReplayServer } from "../sources/datadog/replay-server.ts";
import { mockedSource } from "../sources/elasticsearch/es-mock.ts";
import { createServiceWithSources, type SourcesService } from "../support/fake-source.ts";
import { BANK, bankWorkload } from "./bank-workload.ts";
import { datadogTimeseries, elasticsearchAnswer, prometheusOver } from "./source-workloads.ts";

const DAY = 1440;
const START = Date.parse("2026-11-18T00:00:00Z");
const NOW = START + 3 * DAY * 60_000;
const workload = bankWorkload({ seed: 11, minutes: 3 * DAY, start: START, growthPerDay: 0.02 });

const rule = (capacity: string) => `name: accounts
match: { service: accounts }
signals:
  - { name: errors, kind: error_rate, fail: { relative: 0.5 }, no_data: pass }
capacity:
${capacity}
  interval_minutes: 5
  fit_window_hours: 24
  trend_days: 3
`;

const PROMETHEUS = rule(`  source: prometheus
  resource: { name: cpu_percent, limit: 80, query: 'avg(avg_over_time(cpu_percent{service="{{service}}"}[{{step}}]))' }
  volumes:
    - { name: accounts_opened, query: 'sum(increase(accounts_opened_total{service="{{service}}"}[{{step}}]))' }
    - { name: accounts_closed, query: 'sum(increase(accounts_closed_total{service="{{service}}"}[{{step}}]))' }`);

const DATADOG = rule(`  source: datadog
  resource: { name: cpu_percent, limit: 80, query: 'avg:system.cpu.user{service:{{service}},env:{{environment}}}' }
  volumes:
    - { name: accounts_opened, query: 'sum:bank.accounts_opened{service:{{service}}}.as_count()' }
    - { name: accounts_closed, query: 'sum:bank.accounts_closed{service:{{service}}}.as_count()' }`);

const ELASTICSEARCH = rule(`  source: elasticsearch
  resource: { name: cpu_percent, limit: 80, query: { index: metrics-*, metric_field: system.cpu.pct } }
  volumes:
    - { name: accounts_opened, query: { index: accounts-opened-*, filter: { term: { event.action: opened } } } }
    - { name: accounts_closed, query: { index: accounts-closed-*, filter: { term: { event.action: closed } } } }`);

type Fit = { n: number; r2: number; coefficients: { name: string; estimate: number }[] };
type View = { model: { resource: string; volumes: string[] }; current: Fit | null; headroom: { limit: number } | null; reason: string };

async function serviceView(yaml: string, sources: Partial<Record<SourceKind, MetricSource>>): Promise<View> {
  const svc: SourcesService = createServiceWithSources({ rules: { accounts: yaml }, sources, now: NOW });
  try {
    const res = await svc.request("GET", "/api/v1/services/accounts/capacity?environment=production");
    expect(res.status).toBe(200);
    return (await res.json()) as View;
  } finally {
    svc.close();
  }
}

function expectBankCoefficients(view: View): void {
  expect(view.model).toMatchObject({ resource: "cpu_percent", volumes: ["accounts_opened", "accounts_closed"] });
  expect(view.current, view.reason).not.toBeNull();
  const [intercept, opened, closed] = view.current!.coefficients;
  expect(view.current!.n).toBe(288);
  expect(opened).toMatchObject({ name: "accounts_opened" });
  expect(opened!.estimate).toBeCloseTo(BANK.accounts_opened, 2);
  expect(closed!.estimate).toBeCloseTo(BANK.accounts_closed, 2);
  expect(Math.abs(intercept!.estimate - BANK.intercept)).toBeLessThan(1);
  expect(view.current!.r2).toBeGreaterThan(0.9);
  expect(view.headroom?.limit).toBe(80);
}

describe("a capacity model read from outside sources, through the real source clients", () => {
  const datadog = new ReplayServer();
  let prometheus: Awaited<ReturnType<typeof prometheusOver>>;
  beforeAll(async () => {
    prometheus = await prometheusOver(workload);
    await datadog.start();
    datadog.pick("POST", "/api/v2/query/timeseries", (req) => ({ status: 200, body: datadogTimeseries(workload, req.body) }));
  });
  afterAll(async () => {
    await prometheus.close();
    await datadog.close();
  });

  it("fits CPU = 0.145·opened + 0.267·closed from Prometheus query_range answers, at the model's 5-minute interval", async () => {
    const source = createPrometheusSource(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: prometheus.url }))!;
    prometheus.queries.length = 0;
    expectBankCoefficients(await serviceView(PROMETHEUS, { prometheus: source }));
    expect(prometheus.queries).toContain('sum(increase(accounts_opened_total{service="accounts"}[300s]))');
    // The fit window (1 day) and the 3 days of the growth trend, each one query per series (1,440 points of 5 minutes).
    expect(prometheus.queries).toHaveLength(3 * 2);
  });

  it("fits the same coefficients from Datadog's timeseries API", async () => {
    const source = createDatadogSource(loadConfig({ DEPLOY_GUARD_DD_API_KEY: "dd-api-key-0123456789abcdef01", DEPLOY_GUARD_DD_APP_KEY: "dd-app-key-fedcba98765432100123", DEPLOY_GUARD_DD_BASE_URL: datadog.url }))!;
    expectBankCoefficients(await serviceView(DATADOG, { datadog: source }));
    const asked = datadog.sent("POST", "/api/v2/query/timeseries").map((r) => (JSON.parse(r.body) as { data: { attributes: { queries: { query: string }[] } } }).data.attributes.queries[0]!.query);
    expect(asked).toContain("sum:bank.accounts_opened{service:accounts}.as_count()");
  });

  it("fits the same coefficients from Elasticsearch: volumes as documents per minute, the resource as a field's mean", async () => {
    const { mock, source, requests } = mockedSource();
    mock.add({ method: "POST", path: "/:index/_search" }, (params) => elasticsearchAnswer(workload, String(params.path), params.body as never));
    expectBankCoefficients(await serviceView(ELASTICSEARCH, { elasticsearch: source }));
    const cpu = requests.find((r) => r.path.includes("metrics"))!.body as { aggs: { per_interval: { aggs: unknown } } };
    expect(cpu.aggs.per_interval.aggs).toEqual({ metric: { avg: { field: "system.cpu.pct" } } });
  });

  it("says which source failed, without its token, and fits nothing, when Prometheus answers 500", async () => {
    const token = "prom-secret-token-77aa";
    const source = createPrometheusSource(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: prometheus.url, DEPLOY_GUARD_PROMETHEUS_TOKEN: token }))!;
    prometheus.failWith = 500;
    try {
      const view = await serviceView(PROMETHEUS, { prometheus: source });
      expect(view.current).toBeNull();
      expect(view.reason).toMatch(/^The model's data could not be read: cpu_percent: Prometheus failed: .*500 internal: tsdb unavailable/);
      expect(JSON.stringify(view)).not.toContain(token);
    } finally {
      prometheus.failWith = undefined;
    }
  });

  it("says the source is not configured rather than failing", async () => {
    const view = await serviceView(PROMETHEUS, {});
    expect(view.reason).toBe("The model's data could not be read: cpu_percent: Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL).");
  });

  it("compares a release's fits before and after from Prometheus, asking again after an outage: closing an account 30 % dearer warns", async () => {
    const started = START + 36 * 60 * 60_000, finished = started + 5 * 60_000;
    const changed = bankWorkload({ seed: 12, minutes: 3 * DAY, start: START, changeAt: (finished - START) / 60_000, closedCostAfter: BANK.accounts_closed * 1.3 });
    const server = await prometheusOver(changed);
    const svc = createServiceWithSources({ rules: { accounts: PROMETHEUS.replace("  trend_days: 3", "  trend_days: 3\n  after_window_minutes: 720") }, now: NOW,
      sources: { prometheus: createPrometheusSource(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: server.url }))! } });
    try {
      let id = "";
      for (const [phase, timestamp] of [["started", started], ["finished", finished]] as const) {
        id = ((await (await svc.request("POST", "/api/v1/deploys", { service: "accounts", version: "2.0.0", phase, timestamp })).json()) as { release_id: string }).release_id;
      }
      type Comparison = { status: string; complete: boolean; risen: string[]; reason: string; before: { n: number }; after: { n: number }; changes: { name: string; relative: number }[] };
      const comparison = async () => (await (await svc.request("GET", `/api/v1/releases/${id}/capacity`)).json()) as Comparison;
      server.failWith = 503;
      expect(await svc.container.capacity.refitReleases()).toBe(1);
      expect(await comparison()).toMatchObject({ status: "nodata", complete: false, reason: expect.stringMatching(/^The capacity model's data could not be read: cpu_percent: Prometheus failed: .*503/) });
      server.failWith = undefined;
      expect(await svc.container.capacity.refitReleases()).toBe(1);
      expect(await svc.container.capacity.refitReleases()).toBe(0);
      const body = await comparison();
      expect(body).toMatchObject({ status: "warn", complete: true, risen: ["accounts_closed"], before: { n: 288 }, after: { n: 144 } });
      expect(body.changes[2]!.relative).toBeGreaterThan(0.2);
      expect(body.changes[2]!.relative).toBeLessThan(0.4);
      expect(body.reason).toMatch(/^Cost per unit rose beyond the rule's limit of \+20 %: cpu_percent per accounts_closed/);
    } finally {
      svc.close();
      await server.close();
    }
  });
});
