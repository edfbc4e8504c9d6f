import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { VerdictViewSchema } from "../verdicts/verdict-view.ts";
import { PreDeployResultSchema } from "./pre-deploy-result.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const name = z.string().min(1).max(200);

const preDeploy = createRoute({
  method: "get", path: "/api/v1/services/{service}/gate",
  summary: "Pre-deploy gate: may a new deploy of this service start? pass, or hold while the service is already unhealthy",
  request: {
    params: z.object({ service: name.openapi({ param: { name: "service", in: "path" } }) }),
    query: z.object({ environment: name.default("production") }),
  },
  responses: { 200: json(PreDeployResultSchema, "The gate's answer with every check behind it"), ...READ_ERRORS, 422: WRITE_ERRORS[422] },
});

export const GateVerdictSchema = VerdictViewSchema.extend({
  release_id: z.string().nullable().openapi({ description: "null while no deploy of this version has been reported (status pending)" }),
}).openapi("GateVerdict");

const byIdentity = createRoute({
  method: "get", path: "/api/v1/gates/verdict",
  summary: "The verdict of a release named by service and version, for tools that poll without knowing its id (Spinnaker, Argo Rollouts)",
  request: { query: z.object({ service: name, version: name.optional(), environment: name.default("production") }) },
  responses: { 200: json(GateVerdictSchema, "The verdict; status pending while the release has not been reported"), ...READ_ERRORS, 422: WRITE_ERRORS[422] },
});

export function preDeployRoutes(app: Router, c: Container): void {
  const read = requireScope(c.tokens, "read", c.config.openReads);
  app.use("/api/v1/services/:service/gate", read);
  app.use("/api/v1/gates/verdict", read);
  app.openapi(preDeploy, async (ctx) => {
    const { service } = ctx.req.valid("param");
    return ctx.json(await c.preDeployGate.check(service, ctx.req.valid("query").environment), 200);
  });
  app.openapi(byIdentity, async (ctx) => {
    const q = ctx.req.valid("query");
    const found = await c.gateVerdicts.find(q);
    if (found) return ctx.json(found.view, 200);
    const target = `${q.service}${q.version ? ` ${q.version}` : ""} in ${q.environment}`;
    // Unknown is "pending", not 404: pollers treat 4xx as a broken stage, and the deploy event may simply be late.
    return ctx.json({
      release_id: null, service: q.service, environment: q.environment, version: q.version ?? "", status: "pending" as const, final: false,
      score: null, summary: `No deploy of ${target} has been reported yet.`, checks: [], rule: null, windows: null, decided_at: null, evaluated_at: null,
      decide_by: null, next_look_at: null, engine_status: "pending" as const, decision: null,
    }, 200);
  });
}
