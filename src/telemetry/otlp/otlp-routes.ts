import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Container } from "../../container.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { requireScope } from "../../http/auth.ts";
import { WRITE_ERRORS } from "../../http/problem-schema.ts";
import type { Router } from "../../http/router.ts";
import { ingestMetrics } from "../../observability/ingest-metrics.ts";
import type { IngestKind } from "../../observability/metrics.ts";
import { IngestPolicy } from "../ingest-policy.ts";
import { CONTENT_TYPE, formatOf, readOtlpBody } from "./otlp-body.ts";
import { decodeRequest, encodeResponse, type OtlpSignal } from "./otlp-codec.ts";
import { OtlpIngest, type OtlpOutcome } from "./otlp-ingest.ts";
import { isStoreUnavailable, storeUnavailableResponse } from "./store-unavailable.ts";

const KINDS: Record<OtlpSignal, IngestKind> = { traces: "span", metrics: "otlp_metric", logs: "otlp_log" };
const SUMMARIES: Record<OtlpSignal, string> = {
  traces: "OTLP/HTTP traces: server spans become request events",
  metrics: "OTLP/HTTP metrics: http.server.request.duration becomes request roll-ups; gauges and sums become metric samples",
  logs: "OTLP/HTTP logs: log events, mined for error signatures",
};

const LISTS: Record<OtlpSignal, string> = { traces: "resourceSpans", metrics: "resourceMetrics", logs: "resourceLogs" };

function document(app: Router, signal: OtlpSignal): void {
  const binary = { schema: z.string().openapi({ format: "binary" }) };
  const json = { schema: z.object({ [LISTS[signal]]: z.array(z.object({}).passthrough()) }).openapi({ description: "OTLP/JSON: lowerCamelCase, hex ids, int64 as strings" }) };
  app.openAPIRegistry.registerPath({
    method: "post",
    path: `/v1/${signal}`,
    summary: SUMMARIES[signal],
    description: "An Export*ServiceRequest as application/x-protobuf or OTLP/JSON, optionally gzip; answered in the same encoding, with partial_success counting the records refused.",
    request: { body: { required: true, content: { "application/json": json, "application/x-protobuf": binary } } },
    responses: {
      200: { description: "Stored, except what partial_success counts", content: { "application/json": { schema: z.object({}).passthrough() }, "application/x-protobuf": binary } },
      ...WRITE_ERRORS,
      503: { description: "The database is unavailable; nothing was stored; retry after Retry-After" },
    },
  });
}

/**
 * OTLP/HTTP receivers at the standard paths, so an SDK with OTEL_EXPORTER_OTLP_ENDPOINT set to deploy-guard sends here.
 * Authorised as POST /api/v1/logs is (an ingest token); the body is capped before and after gunzip.
 */
export function otlpRoutes(app: Router, c: Container): void {
  const ingest = new OtlpIngest(c.store, c.telemetry, IngestPolicy.fromConfig(c.config, c.now), c.now);
  const exports: Record<OtlpSignal, (body: Buffer, ctx: Context<AppEnv>, format: "protobuf" | "json") => Promise<OtlpOutcome>> = {
    traces: (body, ctx, format) => ingest.traces(decodeRequest("traces", body, format), ctx.get("token")),
    metrics: (body, ctx, format) => ingest.metrics(decodeRequest("metrics", body, format), ctx.get("token")),
    logs: (body, ctx, format) => ingest.logs(decodeRequest("logs", body, format), ctx.get("token")),
  };
  for (const signal of ["traces", "metrics", "logs"] as const) {
    document(app, signal);
    app.post(`/v1/${signal}`, requireScope(c.tokens, "ingest"), ingestMetrics(c.metrics, KINDS[signal]), async (ctx) => {
      const format = formatOf(ctx.req.header("content-type"));
      const body = await readOtlpBody(ctx.req.raw, c.config.maxBodyBytes);
      let out: OtlpOutcome;
      try {
        out = await exports[signal](body, ctx, format);
      } catch (err) {
        if (!isStoreUnavailable(err)) throw err;
        c.logger.warn({ requestId: ctx.get("requestId"), error: (err as Error).message }, "OTLP export refused: the database is unavailable");
        return storeUnavailableResponse(ctx.get("requestId"));
      }
      Object.assign(ctx.get("logFields"), { records: out.accepted, ...(out.rejected > 0 ? { rejected: out.rejected } : {}) });
      if (out.rejected > 0) c.metrics.ingestRejected(KINDS[signal], "invalid", out.rejected);
      return ctx.body(encodeResponse(signal, format, out.rejected, out.message), 200, { "content-type": CONTENT_TYPE[format] });
    });
  }
}
