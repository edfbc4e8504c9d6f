import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import { AppError } from "../http/app-error.ts";
import type { Router } from "../http/router.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { ProblemSchema } from "../http/problem-schema.ts";
import { canaryStepAnswer, FLAGGER_GATE_HOOKS, rollbackAnswer, type FlaggerGateHook, type GateAnswer } from "./flagger-gate.ts";
import { requireScopeOrQueryToken } from "./gate-auth.ts";

/** What Flagger POSTs to every webhook (pkg/apis/flagger/v1beta1 CanaryWebhookPayload); unknown fields are ignored. */
const FlaggerPayload = z
  .object({
    name: z.string().min(1).max(253),
    namespace: z.string().min(1).max(253),
    phase: z.string().min(1).max(50).openapi({ description: "the canary phase; Flagger sends Progressing to every gating hook" }),
    checksum: z.string().max(200).optional(),
    metadata: z.record(z.string(), z.string()).optional()
      .openapi({ description: "from the Canary's webhook entry: service (default: name.namespace), environment (default: production), version (default: checksum), hook" }),
  })
  .openapi("FlaggerWebhook");

const AnswerSchema = z
  .object({
    advance: z.boolean().openapi({ description: "always true on 200: Flagger goes on (or, on the rollback hook, rolls back)" }),
    hook: z.string(),
    service: z.string(),
    environment: z.string(),
    version: z.string().nullable(),
    release_id: z.string().nullable(),
    status: z.string().openapi({ description: "the release's gate status, or the pre-deploy gate's for confirm-rollout and pre-rollout" }),
    reason: z.string(),
  })
  .openapi("FlaggerGateAnswer");

const halt = { description: "Halt (problem+json; Flagger shows the body in its events): fail, hold, failing checks, or no final verdict yet", content: { "application/problem+json": { schema: ProblemSchema } } };
const json = { "application/json": { schema: FlaggerPayload } };
const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { queryToken: [] }];

const gate = createRoute({
  method: "post", path: "/api/v1/gates/flagger", security,
  summary: "Flagger gate webhook (confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, confirm-promotion): 200 advances, 409 halts",
  request: { body: { content: json, required: true } },
  responses: { 200: { description: "Advance", content: { "application/json": { schema: AnswerSchema } } }, 409: halt, ...READ_ERRORS, ...WRITE_ERRORS },
});

const rollback = createRoute({
  method: "post", path: "/api/v1/gates/flagger/rollback", security,
  summary: "Flagger rollback webhook: 200 means roll back now (the release failed or an operator decided so); 409 or 404 means carry on",
  request: { body: { content: json, required: true } },
  responses: { 200: { description: "Roll back", content: { "application/json": { schema: AnswerSchema } } }, 409: halt, ...READ_ERRORS, ...WRITE_ERRORS },
});

type Payload = z.infer<typeof FlaggerPayload>;

function targetOf(p: Payload) {
  const m = p.metadata ?? {};
  // The same names the Flagger event adapter gives the release, so both find one row.
  return { service: m.service ?? `${p.name}.${p.namespace}`, environment: m.environment ?? "production", version: m.version ?? p.checksum };
}

function hookOf(p: Payload): FlaggerGateHook {
  const hook = p.metadata?.hook ?? "rollout";
  if (!(FLAGGER_GATE_HOOKS as readonly string[]).includes(hook)) {
    throw new AppError("VALIDATION_FAILED", `metadata.hook '${hook}' is not one of ${FLAGGER_GATE_HOOKS.join(", ")}.`, [{ path: "metadata.hook", message: `one of ${FLAGGER_GATE_HOOKS.join(", ")}` }]);
  }
  return hook as FlaggerGateHook;
}

export function flaggerRoutes(app: Router, c: Container): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "queryToken", { type: "apiKey", in: "query", name: "token" });
  const auth = requireScopeOrQueryToken(c.tokens, "read", c.config.openReads);
  app.use("/api/v1/gates/flagger", auth);
  app.use("/api/v1/gates/flagger/rollback", auth);

  const answer = (hook: string, t: ReturnType<typeof targetOf>, releaseId: string | null, status: string, a: GateAnswer) => {
    if (!a.advance) throw new AppError("CONFLICT", a.reason);
    return { advance: true, hook, service: t.service, environment: t.environment, version: t.version ?? null, release_id: releaseId, status, reason: a.reason };
  };
  const release = async (t: ReturnType<typeof targetOf>) => {
    const found = await c.gateVerdicts.find(t);
    if (found) return found;
    const what = `${t.service}${t.version ? ` ${t.version}` : ""} in ${t.environment}`;
    throw new AppError("NOT_FOUND", `No deploy of ${what} has been reported to deploy-guard, so it cannot be judged; send deploy events (or set metadata.service/environment/version to match them).`);
  };

  app.openapi(gate, async (ctx) => {
    const payload = ctx.req.valid("json");
    const hook = hookOf(payload);
    const t = targetOf(payload);
    ctx.get("logFields").gate = { tool: "flagger", hook, service: t.service, environment: t.environment };
    if (hook === "confirm-rollout" || hook === "pre-rollout") {
      // Before the canary takes traffic the question is the pre-deploy one: is the service already unhealthy?
      const pre = await c.preDeployGate.check(t.service, t.environment);
      return ctx.json(answer(hook, t, null, pre.status, { advance: pre.status === "pass", reason: pre.reason }), 200);
    }
    const { view } = await release(t);
    return ctx.json(answer(hook, t, view.release_id, view.status, canaryStepAnswer(hook, view)), 200);
  });

  app.openapi(rollback, async (ctx) => {
    const t = targetOf(ctx.req.valid("json"));
    ctx.get("logFields").gate = { tool: "flagger", hook: "rollback", service: t.service, environment: t.environment };
    const { view } = await release(t);
    return ctx.json(answer("rollback", t, view.release_id, view.status, rollbackAnswer(view)), 200);
  });
}
