import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { DECISION_FEEDBACK } from "../store/schema/index.ts";

const name = z.string().min(1).max(200);
const count = z.number().int();
const rate = z.number().nullable();

const QualitySchema = z
  .object({
    service: z.string(),
    environment: z.string(),
    rules: z.array(z.object({
      rule: z.string(),
      verdicts: z.object({ pass: count, warn: count, fail: count, hold: count, total: count }).openapi({ description: "final engine verdicts by status" }),
      false_fails: count.openapi({ description: "fails an operator marked false_fail" }),
      missed_regressions: count.openapi({ description: "passes and warns an operator marked missed_regression" }),
      false_fail_rate: rate.openapi({ description: "false_fails / fails; null without a fail" }),
      miss_rate: rate.openapi({ description: "missed_regressions / (passes + warns); null without one" }),
    })),
    marks: z.array(z.object({
      release_id: z.string(), version: z.string(), rule: z.string(), engine_status: z.string(), feedback: z.enum(DECISION_FEEDBACK),
      by: z.string(), at: z.string(), reason: z.string(),
    })).openapi({ description: "the marks behind the numbers, newest first (at most 100)" }),
  })
  .openapi("VerdictQuality");

const quality = createRoute({
  method: "get", path: "/api/v1/services/{service}/verdict-quality",
  summary: "How often each rule was wrong for this service: final verdicts by status, and the fails and passes operators marked wrong",
  request: {
    params: z.object({ service: name.openapi({ param: { name: "service", in: "path" } }) }),
    query: z.object({ environment: name.default("production") }),
  },
  responses: { 200: { description: "The report", content: { "application/json": { schema: QualitySchema } } }, ...READ_ERRORS, 422: WRITE_ERRORS[422] },
});

export function verdictQualityRoutes(app: Router, c: Container): void {
  app.use("/api/v1/services/:service/verdict-quality", requireScope(c.tokens, "read", c.config.openReads));
  app.openapi(quality, async (ctx) => ctx.json(await c.verdictQuality.report(ctx.req.valid("param").service, ctx.req.valid("query").environment), 200));
}
