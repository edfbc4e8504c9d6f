import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import { reloadView, ReloadSchema } from "../rules/rule-routes.ts";
import { unconfiguredSignals } from "../sources/unconfigured-sources.ts";
import type { Router } from "./router.ts";

const Health = z.object({
  status: z.enum(["ok", "degraded", "unavailable"]),
  checks: z.record(z.string(), z.string()).optional(),
  sources: z.record(z.string(), z.string()).optional().describe("each configured outside source: \"ok (12 ms)\" or \"failed: …\""),
  warnings: z.array(z.string()).optional(),
  replica: z.object({
    id: z.string().describe("DEPLOY_GUARD_REPLICA_ID, or hostname-pid-random"),
    leases: z.array(z.string()).describe("singleton jobs this replica holds the lease of now"),
    claims_in_flight: z.object({ evaluations: z.number().int(), alerts: z.number().int(), rollbacks: z.number().int() }),
  }).optional().describe("this replica's share of the claimed work (several replicas on one PostgreSQL)"),
  rules: ReloadSchema.optional().describe("the last reload of the rules folder: refused keeps the earlier rules in force (status degraded, still 200)"),
});

/**
 * /readyz is 503 only when the guard itself cannot work (database, rules). An outside source that is down makes it
 * "degraded" with 200: the guard still judges pushed telemetry, and the source's signals follow their no-data policy.
 */
export function healthRoutes(app: Router, c: Container): void {
  app.openapi(
    createRoute({ method: "get", path: "/healthz", security: [], responses: { 200: { description: "The process is alive", content: { "application/json": { schema: Health } } } } }),
    (ctx) => ctx.json({ status: "ok" as const }, 200),
  );
  app.openapi(
    createRoute({
      method: "get", path: "/readyz", security: [],
      responses: {
        200: { description: "Ready to take traffic (status degraded: an outside source is down or a rule reads one that is not configured)", content: { "application/json": { schema: Health } } },
        503: { description: "Not ready", content: { "application/json": { schema: Health } } },
      },
    }),
    async (ctx) => {
      const checks: Record<string, string> = {};
      let leases: string[] = [];
      try {
        await c.store.statement("SELECT 1").get();
        checks.database = "ok";
        checks.storage = await c.storage.check();
        leases = await c.jobLeases.held();
      } catch (err) {
        checks.database = `failed: ${(err as Error).message}`;
      }
      const replica = {
        id: c.replicaId, leases,
        claims_in_flight: { evaluations: c.verdicts.claimsInFlight, alerts: c.dispatcher.claimsInFlight, rollbacks: c.rollbacks.claimsInFlight },
      };
      checks.rules = c.rules.all().length > 0 ? `ok (${c.rules.all().length})` : "no rules loaded";
      if (!Object.values(checks).every((v) => v.startsWith("ok"))) return ctx.json({ status: "unavailable" as const, checks, replica }, 503);
      const health = await c.sourceHealth.check();
      const sources = Object.fromEntries(Object.entries(health).map(([kind, h]) => [kind, h.line]));
      const warnings = unconfiguredSignals(c.rules.all(), c.config);
      const reload = c.rules.reloadState();
      const degraded = warnings.length > 0 || Object.values(health).some((h) => !h.ok) || reload.status === "refused";
      const status = degraded ? ("degraded" as const) : ("ok" as const);
      return ctx.json({ status, checks, replica, sources, ...(warnings.length > 0 ? { warnings } : {}), rules: reloadView(reload) }, 200);
    },
  );
}
