import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Container } from "../container.ts";
import type { AppEnv } from "../http/app-env.ts";
import { mayRead, requireAccess, requireScope } from "../http/auth.ts";
import { nameField } from "../http/name-field.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import type { Router } from "../http/router.ts";
import { AcceptedAnalysisSchema, analysisView, AnalysisViewSchema, statusUrl } from "./analysis-view.ts";

const Name = nameField(200);
const Instant = z.union([z.string(), z.number()]).openapi({ description: "ISO 8601 with a time zone, or epoch milliseconds", example: "2026-11-21T10:00:00Z" });
const Side = z
  .strictObject({
    start: Instant,
    end: Instant,
    hosts: z.array(nameField(255)).min(1).max(1000).optional().openapi({ description: "only these hosts" }),
    version: Name.optional().openapi({ description: "only this version's traffic" }),
  })
  .refine((s) => !(s.hosts && s.version), { message: "name hosts or version, not both", path: ["version"] });

const AnalysisRequestSchema = z
  .strictObject({
    id: z.string().regex(/^[\w.:-]{1,100}$/, "1–100 letters, digits, '_', '.', ':' or '-'").optional()
      .openapi({ description: "your id for the analysis: a re-POST with the same id answers the same analysis (as Idempotency-Key does)" }),
    service: Name.openapi({ example: "checkout" }),
    environment: Name.default("production"),
    control: Side.openapi({ description: "the baseline: a window before (a fixed reference), or the same minutes split by hosts or version (concurrent)" }),
    experiment: Side.openapi({ description: "the candidate window, at most 24 h, ending at most 24 h from now" }),
    rule: Name.optional().openapi({ description: "a rule by name; default: the rule that matches the service and environment" }),
  })
  .openapi("AnalysisRequest");

const IdempotencyHeader = z.object({
  "idempotency-key": z.string().regex(/^[\x21-\x7e]{1,200}$/, "1–200 visible ASCII characters").optional()
    .openapi({ description: "a re-POST with the same key answers the same analysis" }),
});

const post = createRoute({
  method: "post", path: "/api/v1/analyses", summary: "Start an analysis of an experiment window against a control window (Kayenta, Keptn)",
  request: { headers: IdempotencyHeader, body: { required: true, content: { "application/json": { schema: AnalysisRequestSchema } } } },
  responses: {
    202: { description: "Accepted: poll status_url (also the Location header); judged already when both windows had ended", content: { "application/json": { schema: AcceptedAnalysisSchema } } },
    ...WRITE_ERRORS,
    409: WRITE_ERRORS[422],
  },
});

const get = createRoute({
  method: "get", path: "/api/v1/analyses/{id}", summary: "An analysis's verdict, polled: analyzing until both windows have ended, then pass, warn, fail or hold",
  request: { params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 200: { description: "The verdict, in the shape of a release's", content: { "application/json": { schema: AnalysisViewSchema } } }, ...READ_ERRORS },
});

/** Where status URLs point: the configured public URL, else the address the request came to. */
const baseOf = (ctx: Context<AppEnv>, publicUrl: string | undefined) => publicUrl ?? new URL(ctx.req.url).origin;

export function analysisRoutes(app: Router, c: Container): void {
  // Starting one asks the engine for a judgement, as POST /releases/{id}/evaluate does: operator (which may also poll).
  app.on("POST", post.path, requireScope(c.tokens, "operator"));
  app.use("/api/v1/analyses/:id", requireScope(c.tokens, "read", c.config.openReads));
  app.openapi(post, async (ctx) => {
    const body = ctx.req.valid("json");
    requireAccess(ctx.get("token"), body.service, body.environment);
    const row = await c.analyses.create(body, ctx.req.valid("header")["idempotency-key"]);
    const url = statusUrl(baseOf(ctx, c.config.publicUrl), row.id);
    Object.assign(ctx.get("logFields"), { analysis: row.id, status: row.status });
    ctx.header("Location", url);
    return ctx.json({ id: row.id, status_url: url, status: row.status }, 202);
  });
  app.openapi(get, async (ctx) => {
    const who = ctx.get("token");
    const row = await c.analyses.get(ctx.req.valid("param").id, (service, environment) => mayRead(who, service, environment));
    return ctx.json(analysisView(row, baseOf(ctx, c.config.publicUrl)), 200);
  });
}
