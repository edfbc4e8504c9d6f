import { requestId } from "hono/request-id";
import type { Container } from "../container.ts";
import { auditRoutes } from "../decisions/audit-routes.ts";
import { capacityRoutes } from "../capacity/capacity-routes.ts";
import { decisionRoutes } from "../decisions/decision-routes.ts";
import { rollbackResolutionRoutes } from "../decisions/rollback-resolution-routes.ts";
import { deployBatchRoutes } from "../deploys/deploy-batch-routes.ts";
import { deployRoutes } from "../deploys/deploy-routes.ts";
import { webhookRoutes } from "../deploys/webhook-routes.ts";
import { slackInteractionRoutes } from "../notify/slack-interactions-routes.ts";
import { dashboardRoutes } from "../dashboard/dashboard-routes.ts";
import { ruleRoutes } from "../rules/rule-routes.ts";
import { telemetryRoutes } from "../telemetry/telemetry-routes.ts";
import { otlpRoutes } from "../telemetry/otlp/otlp-routes.ts";
import { gateRoutes } from "../gates/gate-routes.ts";
import { tokenRoutes } from "../tokens/token-routes.ts";
import { releaseRoutes } from "../verdicts/release-routes.ts";
import { analysisRoutes } from "../analyses/analysis-routes.ts";
import { metricsRoutes } from "../observability/metrics-routes.ts";
import { AppError } from "./app-error.ts";
import { bodySizeLimit } from "./body-size.ts";
import { errorHandler } from "./error-handler.ts";
import { healthRoutes } from "./health-routes.ts";
import { problemResponse } from "./problem.ts";
import { requestLog } from "./request-log.ts";
import { createRouter, type Router } from "./router.ts";

export { createRouter, type Router } from "./router.ts";

/** The Hono app: middleware, every route, the generated OpenAPI document and RFC 9457 errors. */
export function createApp(c: Container): Router {
  const app = createRouter();
  app.use(requestId({ limitLength: 100 }));
  app.use(requestLog(c.logger));
  app.use("/api/*", bodySizeLimit(c.config.maxBodyBytes));
  app.onError(errorHandler(c.logger, c.storage));
  app.notFound((ctx) => problemResponse(ctx, new AppError("NOT_FOUND", `There is no ${ctx.req.method} ${ctx.req.path}; see /openapi.json.`)));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  healthRoutes(app, c);
  metricsRoutes(app, c);
  ruleRoutes(app, c);
  deployRoutes(app, c);
  deployBatchRoutes(app, c);
  webhookRoutes(app, c);
  telemetryRoutes(app, c);
  otlpRoutes(app, c);
  releaseRoutes(app, c);
  analysisRoutes(app, c);
  capacityRoutes(app, c);
  gateRoutes(app, c);
  decisionRoutes(app, c);
  auditRoutes(app, c);
  rollbackResolutionRoutes(app, c);
  tokenRoutes(app, c);
  slackInteractionRoutes(app, c);
  dashboardRoutes(app, c);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "deploy-guard", version: "0.1.0", description: "Judges every release from its own logs and metrics: pass, warn, fail or hold." },
    security: [{ bearerAuth: [] }],
  });
  return app;
}
