import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Container } from "../container.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { parseBodyRecords } from "../http/body-records.ts";
import { IngestPolicy } from "./ingest-policy.ts";
import { validateLogEvents } from "./log-event.ts";
import { validateMetricSamples } from "./metric-sample.ts";
import { ingestMetrics } from "../observability/ingest-metrics.ts";

const LogEventDoc = z
  .object({
    timestamp: z.union([z.string(), z.number()]).openapi({ description: "ISO 8601 with zone, or epoch ms" }),
    service: z.string(),
    environment: z.string().optional().openapi({ description: "defaults to production" }),
    host: z.string().optional(),
    version: z.string().optional(),
    level: z.string().optional().openapi({ description: "error, fatal, critical … count as errors" }),
    status: z.number().int().optional().openapi({ description: "HTTP status; >= 500 counts as an error" }),
    latency_ms: z.number().optional(),
    route: z.string().optional(),
    message: z.string().optional(),
  })
  .openapi("LogEvent");

const MetricSampleDoc = z
  .object({
    name: z.string(), value: z.number(), timestamp: z.union([z.string(), z.number()]), service: z.string(),
    environment: z.string().optional(), host: z.string().optional(), version: z.string().optional(), tags: z.record(z.string(), z.string()).optional(),
  })
  .openapi("MetricSample");

const Accepted = z.object({ accepted: z.number().int() }).openapi("IngestAccepted");

const OUT_OF_BOUNDS =
  "Refused whole: 403 for a record outside the token's services, or older than the ingest grace without the backfill scope; 422 for one older than the retention or too far ahead of the clock.";

function document(app: Router, path: string, key: string, item: z.ZodType, summary: string): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path,
    summary,
    description: OUT_OF_BOUNDS,
    request: {
      body: {
        required: true,
        content: {
          "application/json": { schema: z.object({ [key]: z.array(item) }) },
          "application/x-ndjson": { schema: item },
        },
      },
    },
    responses: { 202: { description: "Stored, all of it", content: { "application/json": { schema: Accepted } } }, ...WRITE_ERRORS },
  });
}

async function records(ctx: Context<AppEnv>, key: string) {
  return parseBodyRecords(ctx.req.header("content-type"), await ctx.req.text(), key);
}

/** Validation is hand-written here (not zod) because this is the hot path: up to 10,000 records a request. */
export function telemetryRoutes(app: Router, c: Container): void {
  document(app, "/api/v1/logs", "events", LogEventDoc, "Push request/log events (JSON or NDJSON); a batch is stored whole or not at all");
  document(app, "/api/v1/metrics", "samples", MetricSampleDoc, "Push metric samples (JSON or NDJSON); a batch is stored whole or not at all");
  const policy = IngestPolicy.fromConfig(c.config, c.now);
  app.post("/api/v1/logs", requireScope(c.tokens, "ingest"), ingestMetrics(c.metrics, "log"), async (ctx) => {
    const body = await records(ctx, "events");
    ctx.get("logFields").records = body.records.length;
    const events = await validateLogEvents(body);
    const late = policy.check(events, ctx.get("token"), body.where, "events");
    // CPU work in slices first, so only the SQL runs inside the write queue's transaction, where nothing can interleave.
    const prepared = await c.telemetry.prepareLogs(events, late, c.now());
    await c.store.write(async () => c.telemetry.writeLogs(prepared));
    return ctx.json({ accepted: events.length }, 202);
  });
  app.post("/api/v1/metrics", requireScope(c.tokens, "ingest"), ingestMetrics(c.metrics, "metric"), async (ctx) => {
    const body = await records(ctx, "samples");
    ctx.get("logFields").records = body.records.length;
    const samples = await validateMetricSamples(body);
    const late = policy.check(samples, ctx.get("token"), body.where, "samples");
    await c.store.write(async () => c.telemetry.insertMetrics(samples, late, c.now()));
    return ctx.json({ accepted: samples.length }, 202);
  });
}
