import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { ReleaseCapacitySchema, ServiceCapacitySchema } from "./capacity-schemas.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const Name = z.string().min(1).max(200);

const service = createRoute({
  method: "get", path: "/api/v1/services/{service}/capacity",
  summary: "The service's capacity model: the current fit, the headroom, and the coefficients release by release",
  request: {
    params: z.object({ service: Name.openapi({ param: { name: "service", in: "path" } }) }),
    query: z.object({ environment: Name.default("production") }),
  },
  responses: { 200: json(ServiceCapacitySchema, "The model"), ...READ_ERRORS, 422: WRITE_ERRORS[422] },
});

const release = createRoute({
  method: "get", path: "/api/v1/releases/{id}/capacity",
  summary: "The release's capacity comparison: the fits before and after, the change of each coefficient, the Chow test",
  request: { params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 200: json(ReleaseCapacitySchema, "The comparison"), ...READ_ERRORS },
});

export function capacityRoutes(app: Router, c: Container): void {
  const read = requireScope(c.tokens, "read", c.config.openReads);
  app.use("/api/v1/services/:service/capacity", read);
  app.use("/api/v1/releases/:id/capacity", read);
  app.openapi(service, async (ctx) => ctx.json(await c.capacity.serviceView(ctx.req.valid("param").service, ctx.req.valid("query").environment), 200));
  app.openapi(release, async (ctx) => ctx.json(await c.capacity.releaseView(await c.verdicts.get(ctx.req.valid("param").id)), 200));
}
