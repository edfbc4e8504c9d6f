import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
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

export function preDeployRoutes(app: Router, c: Container): void {
  const read = requireScope(c.tokens, "read", c.config.openReads);
  app.use("/api/v1/services/:service/gate", read);
  app.openapi(preDeploy, async (ctx) => {
    const { service } = ctx.req.valid("param");
    return ctx.json(await c.preDeployGate.check(service, ctx.req.valid("query").environment), 200);
  });
}
