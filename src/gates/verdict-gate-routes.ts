import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import { AppError } from "../http/app-error.ts";
import { requireAccess, requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import type { Router } from "../http/router.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import { VerdictViewSchema, type VerdictView } from "../verdicts/verdict-view.ts";
import { gateTiming, GateTimingSchema } from "./gate-timing.ts";

const name = z.string().min(1).max(200);

export const GateVerdictSchema = VerdictViewSchema.extend({
  release_id: z.string().nullable().openapi({ description: "null while no deploy of this version has been reported (status pending)" }),
  timing: GateTimingSchema.openapi({ description: "where the release stands in time: minutes of data so far, when a decision is expected, when the longest window ends" }),
}).openapi("GateVerdict");

const byIdentity = createRoute({
  method: "get", path: "/api/v1/gates/verdict",
  summary: "The verdict of a release named by service and version (or by id), for tools that poll: Spinnaker, Argo Rollouts, deploy-guard gate, examples/gate.sh",
  request: {
    query: z.object({
      service: name.optional().openapi({ description: "required unless release is given" }),
      version: name.optional().openapi({ description: "without it, the release whose deploy started last" }),
      environment: name.default("production"),
      release: name.optional().openapi({ description: "a release id instead of service and version" }),
    }),
  },
  responses: { 200: { description: "The verdict; status pending while the release has not been reported", content: { "application/json": { schema: GateVerdictSchema } } }, ...READ_ERRORS, 422: WRITE_ERRORS[422] },
});

function pendingView(service: string, environment: string, version: string | undefined): VerdictView {
  const target = `${service}${version ? ` ${version}` : ""} in ${environment}`;
  return {
    release_id: "", service, environment, version: version ?? "", status: "pending", final: false,
    score: null, summary: `No deploy of ${target} has been reported yet.`, checks: [], rule: null, windows: null, decided_at: null, evaluated_at: null,
    decide_by: null, next_look_at: null, engine_status: "pending", decision: null,
  };
}

/** The gate pipelines poll: the verdict view plus where the release stands in time, measured on the server's clock. */
export function verdictGateRoutes(app: Router, c: Container): void {
  app.use("/api/v1/gates/verdict", requireScope(c.tokens, "read", c.config.openReads));
  app.openapi(byIdentity, async (ctx) => {
    const q = ctx.req.valid("query");
    let found: { release: ReleaseRow; view: VerdictView } | undefined;
    if (q.release !== undefined) {
      if (q.service !== undefined || q.version !== undefined) {
        throw new AppError("VALIDATION_FAILED", "Give release, or service and version, not both.", [{ path: "release", message: "not with service or version" }]);
      }
      const release = await c.gateVerdicts.lookup.byId(q.release);
      if (!release) throw new AppError("NOT_FOUND", `There is no release '${q.release}'.`);
      // The auth middleware checks a service named in the query; a release named by id is checked here.
      requireAccess(ctx.get("token"), release.service, release.environment);
      found = { release, view: await c.gateVerdicts.view(release) };
    } else {
      if (q.service === undefined) throw new AppError("VALIDATION_FAILED", "Give service (and version), or release.", [{ path: "service", message: "required unless release is given" }]);
      found = await c.gateVerdicts.find({ service: q.service, environment: q.environment, version: q.version });
    }
    // Unknown is "pending", not 404: pollers treat 4xx as a broken stage, and the deploy event may simply be late.
    const view = found?.view ?? pendingView(q.service!, q.environment, q.version);
    const rule = c.rules.forRelease(found?.release ?? { ruleName: null, service: view.service, environment: view.environment });
    const timing = gateTiming(found?.release, view, rule, c.now());
    return ctx.json({ ...view, release_id: found ? view.release_id : null, timing }, 200);
  });
}
