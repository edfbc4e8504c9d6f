import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureDiagnostics, demoResource, startOtlpService, withOtlpEnv, type OtlpService } from "./otlp-harness.ts";

let otlp: OtlpService;
beforeAll(async () => (otlp = await startOtlpService()));
afterAll(() => otlp.close());

interface RollupRow { version: string; host: string; route: string; environment: string; requests: number; errors: number; latency_count: number }
const rollups = (service: string) =>
  otlp.svc.sql<RollupRow>("SELECT version, host, route, environment, requests, errors, latency_count FROM request_rollups WHERE service = ? ORDER BY route").all(service);

/** A demo service's traffic through the real SDK: `ok` good requests, `failed` 503s, one thrown error with no status. */
async function serveTraffic(exporter: SpanExporter, service: string, version: string, counts: { ok: number; failed: number }): Promise<void> {
  const provider = new BasicTracerProvider({ resource: demoResource(version, { "service.name": service }), spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer("demo");
  const request = (status: number | undefined, error?: Error) => {
    const end = Date.now();
    const span = tracer.startSpan("POST /pay", {
      kind: SpanKind.SERVER, startTime: end - 40,
      attributes: { "http.request.method": "POST", "http.route": "/pay", ...(status ? { "http.response.status_code": status } : {}) },
    });
    // Children and outgoing calls are not requests the service answered: they must not count.
    tracer.startSpan("db.query", { kind: SpanKind.CLIENT, startTime: end - 30 }).end(end - 10);
    tracer.startSpan("render", { kind: SpanKind.INTERNAL, startTime: end - 10 }).end(end - 5);
    if (error) {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    span.end(end);
  };
  for (let i = 0; i < counts.ok; i++) request(200);
  for (let i = 0; i < counts.failed; i++) request(503);
  request(undefined, new TypeError("Cannot read properties of undefined (reading 'card')"));
  await provider.forceFlush();
  await provider.shutdown();
}

describe("OTLP traces from the OpenTelemetry JS SDK", () => {
  it("turns server spans (protobuf) into request roll-ups with the resource's service, version, environment and host; client and internal spans do not count", async () => {
    const exporter = withOtlpEnv(otlp.base, () => new OTLPTraceExporter());
    await serveTraffic(exporter, "checkout", "2.0.0", { ok: 8, failed: 2 });
    expect(await rollups("checkout")).toEqual([{ version: "2.0.0", host: "web-1", route: "/pay", environment: "staging", requests: 11, errors: 3, latency_count: 11 }]);
    const events = await otlp.svc.sql<{ n: number; errors: number; latency: number }>(
      "SELECT count(*) AS n, sum(is_error) AS errors, max(latency_ms) AS latency FROM log_events WHERE service = 'checkout'").get();
    expect(events).toEqual({ n: 11, errors: 3, latency: 40 });
  });

  it("names the thrown exception of a failed request as an error signature", async () => {
    const exporter = withOtlpEnv(otlp.base, () => new OTLPTraceExporter());
    await serveTraffic(exporter, "signatures", "1.0.0", { ok: 1, failed: 0 });
    const sig = await otlp.svc.sql<{ template: string }>("SELECT template FROM error_signatures WHERE service = 'signatures'").all();
    expect(sig.map((s) => s.template).join()).toContain("TypeError");
  });

  it("takes OTLP/JSON (the http exporter) the same way, and gzip when the exporter compresses", async () => {
    const json = withOtlpEnv(otlp.base, () => new JsonTraceExporter());
    await serveTraffic(json, "json-svc", "3.1.0", { ok: 4, failed: 1 });
    const gzipped = withOtlpEnv(otlp.base, () => new OTLPTraceExporter(), { OTEL_EXPORTER_OTLP_COMPRESSION: "gzip" });
    await serveTraffic(gzipped, "gzip-svc", "3.1.0", { ok: 5, failed: 0 });
    expect((await rollups("json-svc")).map((r) => [r.requests, r.errors])).toEqual([[6, 2]]);
    expect((await rollups("gzip-svc")).map((r) => [r.requests, r.errors])).toEqual([[6, 1]]);
  });

  it("counts an HTTP span of another kind only when its parent is not one of the service's own spans", async () => {
    const exporter = withOtlpEnv(otlp.base, () => new OTLPTraceExporter());
    const provider = new BasicTracerProvider({ resource: demoResource("1.0.0", { "service.name": "untyped" }), spanProcessors: [new BatchSpanProcessor(exporter)] });
    const tracer = provider.getTracer("demo");
    const http = { "http.request.method": "GET", "http.route": "/x", "http.response.status_code": 200 };
    const root = tracer.startSpan("GET /x", { kind: SpanKind.INTERNAL, attributes: http });
    tracer.startSpan("GET /x inner", { kind: SpanKind.INTERNAL, attributes: http }, trace.setSpan(context.active(), root)).end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    expect((await rollups("untyped")).map((r) => r.requests)).toEqual([1]);
  });

  it("refuses only the invalid spans of a batch, says how many in partial_success, and stores none of them", async () => {
    const diagnostics = captureDiagnostics();
    try {
      const exporter = withOtlpEnv(otlp.base, () => new OTLPTraceExporter());
      const provider = new BasicTracerProvider({ resource: demoResource("1.0.0", { "service.name": "partial" }), spanProcessors: [new BatchSpanProcessor(exporter)] });
      const tracer = provider.getTracer("demo");
      const span = (route: string) => tracer.startSpan("GET", { kind: SpanKind.SERVER, attributes: { "http.route": route, "http.response.status_code": 200 } }).end();
      span("/ok");
      span(`/${"x".repeat(600)}`);
      span("/ok");
      await provider.forceFlush();
      await provider.shutdown();
      const warning = diagnostics.warnings.find((w) => w.includes("Partial Success"));
      expect(warning).toMatch(/"rejectedSpans":"?1"?/);
      expect(warning).toContain("http.route must be at most 500 characters");
      expect((await rollups("partial")).map((r) => [r.route, r.requests])).toEqual([["/ok", 2]]);
      expect(await otlp.svc.sql("SELECT count(*) AS n FROM log_events WHERE service = 'partial' AND route <> '/ok'").get()).toEqual({ n: 0 });
    } finally {
      diagnostics.stop();
    }
  });
});
