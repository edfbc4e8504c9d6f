import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import type { Router } from "../http/router.ts";
import { ROLLBACK_RESOLUTIONS } from "./rollback-resolution.ts";

const route = createRoute({
  method: "post", path: "/api/v1/releases/{id}/rollback/resolution",
  summary: "Answer a rollback of unknown fate (deploy-guard stopped while it ran): retry it, or mark it done",
  request: {
    params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: z.strictObject({ resolution: z.enum(ROLLBACK_RESOLUTIONS), reason: z.string().trim().min(1).max(2000) }) } } },
  },
  responses: {
    200: { description: "Recorded", content: { "application/json": { schema: z.object({ release_id: z.string(), status: z.enum(["pending", "succeeded"]) }) } } },
    ...WRITE_ERRORS, 404: READ_ERRORS[404], 409: WRITE_ERRORS[422],
  },
});

export function rollbackResolutionRoutes(app: Router, c: Container): void {
  app.use("/api/v1/releases/:id/rollback/resolution", requireScope(c.tokens, "operator"));
  app.openapi(route, async (ctx) => {
    const { id } = ctx.req.valid("param");
    const { resolution, reason } = ctx.req.valid("json");
    const out = await c.rollbackResolution.resolve(id, resolution, ctx.get("tokenName") ?? "operator", reason, c.now());
    return ctx.json({ release_id: id, status: out.status }, 200);
  });
}
