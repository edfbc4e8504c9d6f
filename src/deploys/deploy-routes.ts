import { createRoute } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { DeployAcceptedSchema, DeployEventSchema } from "./deploy-event.ts";

const postDeploy = createRoute({
  method: "post",
  path: "/api/v1/deploys",
  summary: "Record that a deploy, or one batch of a rolling deploy, started, finished, failed or was rolled back",
  request: { body: { required: true, content: { "application/json": { schema: DeployEventSchema } } } },
  responses: {
    202: { description: "Accepted and stored", content: { "application/json": { schema: DeployAcceptedSchema } } },
    ...WRITE_ERRORS,
  },
});

export function deployRoutes(app: Router, c: Container): void {
  app.use(postDeploy.path, requireScope(c.tokens, "ingest"));
  app.openapi(postDeploy, async (ctx) => {
    const input = ctx.req.valid("json");
    const accepted = await c.store.write(async () => c.deploys.record(input, ctx.get("token")));
    Object.assign(ctx.get("logFields"), accepted);
    return ctx.json(accepted, 202);
  });
}
