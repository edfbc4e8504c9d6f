import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { mayRead, requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { parseTimestamp } from "../http/timestamp-field.ts";
import { AUDIT_KINDS } from "../store/schema/index.ts";

const AuditEventSchema = z
  .object({
    id: z.number().int(), at: z.string(), kind: z.enum(AUDIT_KINDS),
    release_id: z.string(), service: z.string(), environment: z.string(), version: z.string(),
    actor: z.string().openapi({ description: "a token's name, a Slack or dashboard user, or deploy-guard itself" }),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).openapi({ description: "decision: action, reason, via, engine_status; rollback_attempt: attempt, outcome, http_status or exit_code, output_tail" }),
  })
  .openapi("AuditEvent");
const Events = { description: "Audit events, newest first", content: { "application/json": { schema: z.object({ events: z.array(AuditEventSchema) }) } } };

const Since = z.string().optional().transform((v, ctx) => {
  if (v === undefined) return undefined;
  const parsed = parseTimestamp(/^\d+$/.test(v) ? Number(v) : v);
  if (typeof parsed === "number") return parsed;
  ctx.addIssue({ code: "custom", message: parsed });
  return z.NEVER;
}).openapi({ description: "ISO 8601 with a time zone, or epoch milliseconds", example: "2026-11-21T10:00:00Z" });

const ofRelease = createRoute({
  method: "get", path: "/api/v1/releases/{id}/audit", summary: "The release's audit log: decisions, forced evaluations, rollbacks and each attempt",
  request: { params: z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: { 200: Events, ...READ_ERRORS },
});

const all = createRoute({
  method: "get", path: "/api/v1/audit", summary: "The audit log across releases, newest first",
  request: {
    query: z.object({ service: z.string().min(1).optional(), since: Since, limit: z.coerce.number().int().min(1).max(1000).default(100) }),
  },
  responses: { 200: Events, 401: READ_ERRORS[401], 422: WRITE_ERRORS[422] },
});

export function auditRoutes(app: Router, c: Container): void {
  const read = requireScope(c.tokens, "read", c.config.openReads);
  app.use("/api/v1/releases/:id/audit", read);
  app.use("/api/v1/audit", read);
  app.openapi(ofRelease, async (ctx) => {
    const { id } = ctx.req.valid("param");
    await c.verdicts.get(id);
    return ctx.json({ events: await c.audit.ofRelease(id) }, 200);
  });
  app.openapi(all, async (ctx) => {
    // A token limited to some services reads only their entries.
    const who = ctx.get("token");
    return ctx.json({ events: (await c.audit.query(ctx.req.valid("query"))).filter((e) => mayRead(who, e.service, e.environment)) }, 200);
  });
}
