import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { flaggerRoutes } from "./flagger-routes.ts";
import { preDeployRoutes } from "./pre-deploy-routes.ts";
import { verdictGateRoutes } from "./verdict-gate-routes.ts";

/** Every gate a pipeline or deploy tool asks before going on: pre-deploy, by-identity polling, Flagger's webhooks. */
export function gateRoutes(app: Router, c: Container): void {
  preDeployRoutes(app, c);
  verdictGateRoutes(app, c);
  flaggerRoutes(app, c);
}
