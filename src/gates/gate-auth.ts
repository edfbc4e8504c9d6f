import type { MiddlewareHandler } from "hono";
import { admit, requireScope } from "../http/auth.ts";
import type { TokenScope, TokenService } from "../tokens/token-service.ts";

/**
 * requireScope, but a tool that cannot send headers (Flagger's webhooks) may pass the token as `?token=`.
 * The request log records the path only, and no message here repeats the token.
 */
export function requireScopeOrQueryToken(tokens: TokenService, need: TokenScope, openReads = false): MiddlewareHandler {
  const viaHeader = requireScope(tokens, need, openReads);
  return async (c, next) => {
    if (need === "read" && openReads) return next();
    const token = c.req.query("token");
    if (token === undefined || c.req.header("authorization") !== undefined) return viaHeader(c, next);
    admit(c, await tokens.identify(token), need, "The API token given as ?token=");
    return next();
  };
}
