import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env.ts";
import { validationError } from "./problem.ts";

/**
 * The router every `*-routes.ts` registers on, in a leaf module: route files import its type from here, not from
 * app.ts, which imports them all back.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === "json" ? "" : result.target);
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
