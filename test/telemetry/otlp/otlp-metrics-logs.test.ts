import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeHistogramDense, emptyDense, histogramQuantile } from "../../../src/telemetry/latency-histogram.ts";
import { captureDiagnostics, demoResource, startOtlpService, withOtlpEnv, type OtlpService } from "./otlp-harness.ts";

let otlp: OtlpService;
beforeAll(async () => (otlp = await startOtlpService()));
afterAll(() => otlp.close());

/** A meter provider exporting through the proto exporter as configured by the environment; collected on flush. */
function meters(service: string, extraEnv: Record<string, string> = {}) {
  const exporter = withOtlpEnv(otlp.base, () => new OTLPMetricExporter(), extraEnv);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  return new MeterProvider({ resource: demoResource("2.0.0", { "service.name": service }), readers: [reader] });
}

interface ServiceRollup { requests: number; errors: number; latency_count: number; latency_sum: number; latency_hist: Uint8Array }
const serviceRollups = (service: string) =>
  otlp.svc.sql<ServiceRollup>("SELECT sum(requests) AS requests, sum(errors) AS errors, sum(latency_count) AS latency_count, sum(latency_sum) AS latency_sum FROM service_rollups WHERE service = ?").get(service);

describe("OTLP metrics from the OpenTelemetry JS SDK", () => {
  it("turns the http.server.request.duration histogram into request roll-ups, with no per-request rows; cumulative points are counted once", async () => {
    const provider = meters("histo");
    const duration = provider.getMeter("http").createHistogram("http.server.request.duration", { unit: "s", advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] } });
    const ok = { "http.request.method": "GET", "http.route": "/cart", "http.response.status_code": 200 };
    for (let i = 0; i < 90; i++) duration.record(0.04, ok);
    for (let i = 0; i < 10; i++) duration.record(0.3, { ...ok, "http.response.status_code": 503 });
    await provider.forceFlush();
    // The SDK's default is cumulative: the second export repeats the first 100 and adds 20; only the 20 are new.
    for (let i = 0; i < 20; i++) duration.record(0.04, ok);
    await provider.forceFlush();
    await provider.shutdown();

    expect(await serviceRollups("histo")).toMatchObject({ requests: 120, errors: 10, latency_count: 120 });
    expect((await serviceRollups("histo"))!.latency_sum).toBeCloseTo(110 * 40 + 10 * 300, 3);
    const rows = await otlp.svc.sql<{ route: string; version: string; host: string; requests: number; latency_hist: Uint8Array }>(
      "SELECT route, version, host, requests, latency_hist FROM request_rollups WHERE service = 'histo'").all();
    expect(new Set(rows.map((r) => `${r.route} ${r.version} ${r.host}`))).toEqual(new Set(["/cart 2.0.0 web-1"]));
    const hist = emptyDense();
    for (const r of rows) decodeHistogramDense(r.latency_hist, hist);
    // 0.04 s lies in the (25, 50] ms bucket, 0.3 s in (250, 500] ms: each stands for its bucket's geometric middle.
    expect(histogramQuantile(hist, 0.5)).toBeGreaterThan(25);
    expect(histogramQuantile(hist, 0.5)).toBeLessThanOrEqual(50);
    expect(histogramQuantile(hist, 0.99)).toBeGreaterThan(250);
    expect(histogramQuantile(hist, 0.99)).toBeLessThanOrEqual(500 * 1.05);
    expect(await otlp.svc.sql("SELECT count(*) AS n FROM log_events WHERE service = 'histo'").get()).toEqual({ n: 0 });
  });

  it("takes delta temporality as it comes", async () => {
    const provider = meters("delta", { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: "delta" });
    const duration = provider.getMeter("http").createHistogram("http.server.request.duration", { unit: "s" });
    for (let i = 0; i < 7; i++) duration.record(0.02, { "http.route": "/a", "http.response.status_code": 500 });
    await provider.forceFlush();
    for (let i = 0; i < 3; i++) duration.record(0.02, { "http.route": "/a", "http.response.status_code": 200 });
    await provider.forceFlush();
    await provider.shutdown();
    expect(await serviceRollups("delta")).toMatchObject({ requests: 10, errors: 7 });
  });

  it("stores a gauge and a counter as metric samples named as in OTLP, labelled by their attributes", async () => {
    const provider = meters("gauges");
    const meter = provider.getMeter("host");
    meter.createObservableGauge("system.cpu.utilization", { unit: "1" }).addCallback((r) => r.observe(0.42, { "cpu.mode": "user" }));
    const orders = meter.createCounter("orders.placed");
    orders.add(5, { channel: "web" });
    await provider.forceFlush();
    orders.add(2, { channel: "web" });
    await provider.shutdown();
    const samples = await otlp.svc.sql<{ name: string; value: number; environment: string; version: string; host: string; tags: string }>(
      "SELECT name, value, environment, version, host, tags FROM metric_samples WHERE service = 'gauges' ORDER BY name, ts").all();
    expect(samples.filter((s) => s.name === "system.cpu.utilization")[0]).toEqual({
      name: "system.cpu.utilization", value: 0.42, environment: "staging", version: "2.0.0", host: "web-1", tags: JSON.stringify({ "cpu.mode": "user" }),
    });
    // A cumulative counter is stored as its increase per export: 5, then 2 (not 5 and 7).
    expect(samples.filter((s) => s.name === "orders.placed").map((s) => s.value)).toEqual([5, 2]);
  });

  it("refuses data points of kinds it does not store by name in partial_success, and stores the rest", async () => {
    const diagnostics = captureDiagnostics();
    try {
      const provider = meters("mixed");
      const meter = provider.getMeter("db");
      meter.createHistogram("db.client.operation.duration", { unit: "s" }).record(0.01);
      meter.createObservableGauge("queue.depth").addCallback((r) => r.observe(7));
      await provider.shutdown();
      const warning = diagnostics.warnings.find((w) => w.includes("Partial Success"));
      expect(warning).toMatch(/"rejectedDataPoints":"?1"?/);
      expect(warning).toContain("db.client.operation.duration (histogram)");
      expect(await otlp.svc.sql("SELECT name, value FROM metric_samples WHERE service = 'mixed'").all()).toEqual([{ name: "queue.depth", value: 7 }]);
    } finally {
      diagnostics.stop();
    }
  });
});

describe("OTLP logs from the OpenTelemetry JS SDK", () => {
  it("mines error-level log records (severity 17 and above) into error signatures, and counts no requests from logs", async () => {
    const exporter = withOtlpEnv(otlp.base, () => new OTLPLogExporter());
    const provider = new LoggerProvider({ resource: demoResource("2.0.0", { "service.name": "logs-svc" }), processors: [new BatchLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger("app");
    logger.emit({ severityNumber: SeverityNumber.INFO, severityText: "INFO", body: "order 17 placed" });
    for (const order of [101, 202, 303]) logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: "ERROR", body: `payment gateway timed out after 3000 ms for order ${order}` });
    await provider.forceFlush();
    await provider.shutdown();
    const signatures = await otlp.svc.sql<{ template: string; sample: string }>("SELECT template, sample FROM error_signatures WHERE service = 'logs-svc'").all();
    expect(signatures).toHaveLength(1);
    expect(signatures[0]!.template).toContain("payment gateway timed out");
    const counted = await otlp.svc.sql<{ count: number }>("SELECT sum(count) AS count FROM error_signature_minutes WHERE service = 'logs-svc'").get();
    expect(counted).toEqual({ count: 3 });
    expect(await otlp.svc.sql("SELECT level, count(*) AS n FROM log_events WHERE service = 'logs-svc' GROUP BY level ORDER BY level").all()).toEqual([
      { level: "error", n: 3 }, { level: "info", n: 1 },
    ]);
    expect(await otlp.svc.sql("SELECT count(*) AS n FROM service_rollups WHERE service = 'logs-svc'").get()).toEqual({ n: 0 });
  });
});

describe("OTLP metric names deploy-guard cannot store", () => {
  it("refuses a sample whose name has characters metric names may not have, naming the metric name in the message", async () => {
    const diagnostics = captureDiagnostics();
    try {
      const provider = meters("names");
      const meter = provider.getMeter("app");
      meter.createObservableGauge("queue/depth").addCallback((r) => r.observe(3));
      meter.createObservableGauge("queue.size").addCallback((r) => r.observe(4));
      await provider.shutdown();
      const warning = diagnostics.warnings.find((w) => w.includes("Partial Success"));
      expect(warning).toMatch(/"rejectedDataPoints":"?1"?/);
      expect(warning).toContain("gauge.dataPoints[0] metric name letters, digits");
      expect(await otlp.svc.sql("SELECT name FROM metric_samples WHERE service = 'names'").all()).toEqual([{ name: "queue.size" }]);
    } finally {
      diagnostics.stop();
    }
  });
});
