import type { MiddlewareHandler } from "hono";
import { AppError } from "../http/app-error.ts";
import { requireScope } from "../http/auth.ts";
import { TokenService, type TokenScope } from "../tokens/token-service.ts";

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
    const identity = tokens.identify(token);
    if (!identity) throw new AppError("UNAUTHORIZED", "The API token given as ?token= is not valid.");
    if (!TokenService.allows(identity.scope, need)) {
      throw new AppError("FORBIDDEN", `This endpoint needs a token with the '${need}' scope; this token has '${identity.scope}'.`);
    }
    c.set("tokenScope", identity.scope);
    c.set("tokenName", identity.name);
    return next();
  };
}
