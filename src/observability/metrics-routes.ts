import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Container } from "../container.ts";
import { secretEquals } from "../deploys/adapters/inbound-auth.ts";
import { AppError } from "../http/app-error.ts";
import type { AppEnv } from "../http/app-env.ts";
import { admit } from "../http/auth.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import type { Router } from "../http/router.ts";
import type { TokenService } from "../tokens/token-service.ts";

/**
 * The metrics name every service, so reading them takes DEPLOY_GUARD_METRICS_TOKEN or an API token with the read scope
 * that is not limited to some services; open like every read when DEPLOY_GUARD_OPEN_READS is set.
 */
export function metricsAccess(tokens: TokenService, metricsToken: string | undefined, openReads: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (openReads) return next();
    const token = c.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) throw new AppError("UNAUTHORIZED", "Send DEPLOY_GUARD_METRICS_TOKEN or an API token with the 'read' scope as 'Authorization: Bearer <token>'.");
    if (metricsToken !== undefined && secretEquals(token, metricsToken)) return next();
    const identity = await tokens.identify(token);
    admit(c, identity, "read", "The token");
    if (identity!.access.limited) {
      throw new AppError("FORBIDDEN", `Token '${identity!.name}' is limited to some services, and the metrics name every service: use DEPLOY_GUARD_METRICS_TOKEN or an unlimited read token.`);
    }
    return next();
  };
}

const route = createRoute({
  method: "get", path: "/metrics", summary: "Prometheus metrics (text exposition format 0.0.4)",
  description: "Counters are per process (sum them over replicas); gauges read from the database are the same on every replica.",
  responses: { 200: { description: "The metrics", content: { "text/plain": { schema: z.string() } } }, 401: WRITE_ERRORS[401], 403: WRITE_ERRORS[403] },
});

export function metricsRoutes(app: Router, c: Container): void {
  app.use("/metrics", metricsAccess(c.tokens, c.config.metricsToken, c.config.openReads));
  app.openapi(route, async (ctx) => {
    const { contentType, body } = await c.metrics.exposition();
    return ctx.text(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  });
}
