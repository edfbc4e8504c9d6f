import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/app.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { DECISION_ACTIONS } from "../store/schema/index.ts";
import { VerdictViewSchema, verdictView } from "../verdicts/verdict-view.ts";
import { DecisionSchema } from "./decision-overlay.ts";

const DecisionRequest = z
  .strictObject({
    action: z.enum(DECISION_ACTIONS).openapi({ description: "approve: the pipeline may go on (pass); rollback: stop and roll back (fail); hold: the pipeline waits for a person" }),
    reason: z.string().trim().min(1, "must not be empty").max(1000),
  })
  .openapi("DecisionRequest");

const decide = createRoute({
  method: "post", path: "/api/v1/releases/{id}/decision",
  summary: "An operator's decision that overrides the gate: approve, rollback or hold (operator scope)",
  request: {
    params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: DecisionRequest } } },
  },
  responses: {
    201: { description: "Decided; the verdict as the gate now answers it", content: { "application/json": { schema: z.object({ decision: DecisionSchema, verdict: VerdictViewSchema }) } } },
    ...WRITE_ERRORS,
    404: READ_ERRORS[404],
    409: { description: "The decision makes no sense for this release (e.g. approving one already rolled back)", content: WRITE_ERRORS[422].content },
  },
});

export function decisionRoutes(app: Router, c: Container): void {
  app.use("/api/v1/releases/:id/decision", requireScope(c.tokens, "operator"));
  app.openapi(decide, async (ctx) => {
    const { id } = ctx.req.valid("param");
    const { action, reason } = ctx.req.valid("json");
    const decision = await c.writes.run(() => c.decisions.decide({ releaseId: id, action, reason, actor: ctx.get("tokenName"), via: "api" }));
    ctx.get("logFields").decision = action;
    return ctx.json({ decision, verdict: verdictView(c.verdicts.get(id), decision) }, 201);
  });
}
