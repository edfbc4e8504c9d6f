import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "./app-env.ts";

/** One wide log line per request; never headers or bodies, so no token reaches the log. */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set("logFields", {});
    await next();
    const status = c.res.status;
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...c.get("logFields"),
    };
    if (status >= 500) logger.error(line, "request");
    else if (c.req.path === "/healthz" || c.req.path === "/readyz" || c.req.path === "/metrics") logger.debug(line, "request");
    else logger.info(line, "request");
  };
}
