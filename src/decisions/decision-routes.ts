import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { DECISION_ACTIONS, DECISION_FEEDBACK } from "../store/schema/index.ts";
import { VerdictViewSchema } from "../verdicts/verdict-view.ts";
import { DecisionSchema, RollbackOutcomeSchema } from "./decision-overlay.ts";
import { verdictQualityRoutes } from "./verdict-quality-routes.ts";

const DecisionRequest = z
  .strictObject({
    action: z.enum(DECISION_ACTIONS).openapi({
      description: "approve: the pipeline may go on (pass); hold: it waits for a person; rollback: stop and roll back (fail); " +
        "retry: judge again with more data; skip: set one signal aside and judge again; mark_wrong: say the engine's verdict was wrong (the gate does not change)",
    }),
    reason: z.string().trim().min(1, "must not be empty").max(1000),
    batch: z.number().int().min(1).optional().openapi({ description: "approve or hold one batch of a rolling deploy only" }),
    signal: z.string().min(1).max(100).optional().openapi({ description: "skip: the name of a signal of the release's rule" }),
    feedback: z.enum(DECISION_FEEDBACK).optional().openapi({ description: "mark_wrong: false_fail (on a fail) or missed_regression (on a pass or warn)" }),
    via: z.enum(["api", "cli"]).default("api").openapi({ description: "recorded in the audit log; the deploy-guard CLI sends cli" }),
  })
  .openapi("DecisionRequest");

const IdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const decide = createRoute({
  method: "post", path: "/api/v1/releases/{id}/decision",
  summary: "An operator's decision: approve, hold, rollback, retry, skip a signal, or mark the verdict wrong (operator scope)",
  request: { params: IdParam, body: { required: true, content: { "application/json": { schema: DecisionRequest } } } },
  responses: {
    201: json(z.object({
      decision: DecisionSchema,
      verdict: VerdictViewSchema,
      rollback: RollbackOutcomeSchema.nullable().openapi({ description: "rollback: whether deploy-guard rolls back, or nobody will unless a person does" }),
    }), "Decided; the verdict as the gate now answers it"),
    ...WRITE_ERRORS,
    404: READ_ERRORS[404],
    409: { description: "The decision makes no sense for this release (e.g. approving one already rolled back)", content: WRITE_ERRORS[422].content },
  },
});

const list = createRoute({
  method: "get", path: "/api/v1/releases/{id}/decisions", summary: "Every decision on the release, newest first, with skips and marks",
  request: { params: IdParam },
  responses: { 200: json(z.object({ decisions: z.array(DecisionSchema) }), "Decisions, newest first"), ...READ_ERRORS },
});

export function decisionRoutes(app: Router, c: Container): void {
  app.use("/api/v1/releases/:id/decision", requireScope(c.tokens, "operator"));
  app.use("/api/v1/releases/:id/decisions", requireScope(c.tokens, "read", c.config.openReads));
  app.openapi(decide, async (ctx) => {
    const { id } = ctx.req.valid("param");
    const { via, ...input } = ctx.req.valid("json");
    const decision = await c.store.write(() => c.decisions.decide({ ...input, releaseId: id, actor: ctx.get("tokenName"), via }));
    ctx.get("logFields").decision = input.action;
    return ctx.json({ decision, verdict: await c.views.verdict(await c.verdicts.get(id)), rollback: decision.rollback }, 201);
  });
  app.openapi(list, async (ctx) => ctx.json({ decisions: await c.decisions.list(ctx.req.valid("param").id) }, 200));
  verdictQualityRoutes(app, c);
}
