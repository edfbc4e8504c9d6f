import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "./app.ts";

const Health = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.string()).optional() });

export function healthRoutes(app: Router, c: Container): void {
  app.openapi(
    createRoute({ method: "get", path: "/healthz", security: [], responses: { 200: { description: "The process is alive", content: { "application/json": { schema: Health } } } } }),
    (ctx) => ctx.json({ status: "ok" as const }, 200),
  );
  app.openapi(
    createRoute({
      method: "get", path: "/readyz", security: [],
      responses: {
        200: { description: "Ready to take traffic", content: { "application/json": { schema: Health } } },
        503: { description: "Not ready", content: { "application/json": { schema: Health } } },
      },
    }),
    (ctx) => {
      const checks: Record<string, string> = {};
      try {
        c.db.$client.prepare("SELECT 1").get();
        checks.database = "ok";
      } catch (err) {
        checks.database = `failed: ${(err as Error).message}`;
      }
      checks.rules = c.rules.all().length > 0 ? `ok (${c.rules.all().length})` : "no rules loaded";
      const ok = Object.values(checks).every((v) => v.startsWith("ok"));
      return ok ? ctx.json({ status: "ok" as const, checks }, 200) : ctx.json({ status: "unavailable" as const, checks }, 503);
    },
  );
}
