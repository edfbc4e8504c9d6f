import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { READ_ERRORS } from "../http/problem-schema.ts";
import { RULE_MODES, type Rule } from "./rule-schema.ts";
import type { ReloadState } from "./rule-set.ts";

export const ReloadSchema = z
  .object({
    status: z.enum(["ok", "refused"]).openapi({ description: "refused: the last reload found a bad file; the rules before it stay in force" }),
    at: z.string().nullable(),
    files: z.array(z.string()).optional(),
    error: z.string().optional().openapi({ description: "every problem, by file and field" }),
  })
  .openapi("RulesReload");

const RuleSummary = z.object({
  name: z.string(),
  extends: z.string().optional().openapi({ description: "the rule this one was merged onto at load" }),
  mode: z.enum(RULE_MODES),
  match: z.object({ service: z.string(), environment: z.string() }),
  baseline: z.string(),
  analysis: z.string(),
  signals: z.array(z.object({ name: z.string(), kind: z.string(), mode: z.enum(RULE_MODES), critical: z.boolean() })),
});

export function reloadView(state: ReloadState): z.infer<typeof ReloadSchema> {
  const at = state.at === null ? null : new Date(state.at).toISOString();
  return state.status === "ok" ? { status: "ok", at } : { status: "refused", at, files: state.files, error: state.error };
}

const ruleSummary = (r: Rule): z.infer<typeof RuleSummary> => ({
  name: r.name, ...(r.extends ? { extends: r.extends } : {}), mode: r.mode, match: r.match, baseline: r.baseline.kind, analysis: r.analysis.mode,
  signals: r.signals.map((s) => ({ name: s.name, kind: s.kind, mode: s.mode, critical: s.critical })),
});

const list = createRoute({
  method: "get", path: "/api/v1/rules", summary: "The rules in force, and whether the last reload of the rules folder was refused",
  responses: {
    200: { description: "Rules", content: { "application/json": { schema: z.object({ rules: z.array(RuleSummary), last_reload: ReloadSchema }) } } },
    401: READ_ERRORS[401],
  },
});

export function ruleRoutes(app: Router, c: Container): void {
  app.use("/api/v1/rules", requireScope(c.tokens, "read", c.config.openReads));
  app.openapi(list, (ctx) => ctx.json({ rules: c.rules.all().map(ruleSummary), last_reload: reloadView(c.rules.reloadState()) }, 200));
}
