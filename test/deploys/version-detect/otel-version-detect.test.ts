import { SpanKind, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../support/traffic.ts";
import { demoResource, startOtlpService, withOtlpEnv, type OtlpService } from "../../telemetry/otlp/otlp-harness.ts";

const MIN = 60_000;

let otlp: OtlpService;
beforeAll(async () => (otlp = await startOtlpService()));
afterAll(() => otlp.close());

/** One instance of the demo service, as its own process would run it: a tracer provider exporting OTLP/protobuf. */
function instance(version: string, host: string) {
  const exporter = withOtlpEnv(otlp.base, () => new OTLPTraceExporter());
  // A queue that holds a whole replayed half hour: the default (2,048) would drop spans before they are exported.
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 20_000, maxExportBatchSize: 2_000, scheduledDelayMillis: 60_000 });
  const provider = new BasicTracerProvider({ resource: demoResource(version, { "service.name": "demo-shop", "host.name": host }), spanProcessors: [processor] });
  return { tracer: provider.getTracer("demo-shop"), flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/** `perMinute` requests a minute over [start, start + minutes), each a server span; a share `errorRate` answers 503. */
function serve(tracer: Tracer, start: number, minutes: number, perMinute: number, errorRate: number, seed: number): void {
  const rnd = mulberry32(seed);
  for (let m = 0; m < minutes; m++) {
    for (let i = 0; i < perMinute; i++) {
      const begin = start + m * MIN + Math.floor((i / perMinute) * MIN);
      const status = rnd() < errorRate ? 503 : 200;
      const span = tracer.startSpan("POST /checkout", {
        kind: SpanKind.SERVER, startTime: begin,
        attributes: { "http.request.method": "POST", "http.route": "/checkout", "http.response.status_code": status },
      });
      span.end(begin + 40 + Math.floor(rnd() * 40));
    }
  }
}

describe("a demo service instrumented with the OpenTelemetry SDK, with no deploy event", () => {
  it("detects version 2 from its service.version, compares it with version 1 serving beside it, and fails it on 5× the errors", async () => {
    const svc = otlp.svc;
    const now = svc.clock.now;
    const rollout = Math.floor(now / MIN) * MIN - 30 * MIN;
    const v1 = instance("1.4.0", "web-1");
    const v2 = instance("1.5.0", "web-2");
    // Half an hour of version 1 alone, then version 2 beside it for half an hour (a canary taking half the requests).
    serve(v1.tracer, rollout - 30 * MIN, 30, 100, 0.01, 1);
    await v1.flush();
    serve(v1.tracer, rollout, 30, 150, 0.01, 2);
    serve(v2.tracer, rollout, 30, 150, 0.05, 3);
    await Promise.all([v1.flush(), v2.flush()]);
    await Promise.all([v1.shutdown(), v2.shutdown()]);

    const listed = await svc.request("GET", "/api/v1/releases?service=demo-shop");
    const { releases } = (await listed.json()) as { releases: { id: string; version: string; environment: string }[] };
    expect(releases.map((r) => [r.version, r.environment])).toEqual([["1.5.0", "staging"]]);
    const id = releases[0]!.id;
    const view = (await (await svc.request("GET", `/api/v1/releases/${id}`)).json()) as { deploys: { tool: string; startedAt: number }[] };
    expect(view.deploys.map((d) => [d.tool, d.startedAt])).toEqual([["version-label", rollout]]);

    svc.clock.now = now + 2 * MIN;
    await svc.container.verdicts.runDue();
    const verdict = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
    expect(verdict.status).toBe("fail");
    expect(verdict.final).toBe(true);
    const errors = verdict.checks.find((c: { signal: string }) => c.signal === "error_rate");
    expect(errors).toMatchObject({ status: "fail", sequential: { design: "concurrent" } });
    expect(verdict.windows.baseline.label).toBe("the traffic still served by the previous version, over the same minutes");
  }, 60_000);
});
