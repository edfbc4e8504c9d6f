import type { MiddlewareHandler } from "hono";
import { AppError } from "./app-error.ts";
import { TokenService, type TokenScope } from "../tokens/token-service.ts";

/** Requires a bearer token with the given scope; reads may be left open on a trusted network by configuration. */
export function requireScope(tokens: TokenService, need: TokenScope, openReads = false): MiddlewareHandler {
  return async (c, next) => {
    if (need === "read" && openReads) return next();
    const header = c.req.header("authorization");
    const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) throw new AppError("UNAUTHORIZED", "Send the API token as 'Authorization: Bearer <token>'.");
    const identity = tokens.identify(token);
    if (!identity) throw new AppError("UNAUTHORIZED", "The API token is not valid.");
    const scope = identity.scope;
    if (!TokenService.allows(scope, need)) {
      throw new AppError("FORBIDDEN", `This endpoint needs a token with the '${need}' scope; this token has '${scope}'.`);
    }
    c.set("tokenScope", scope);
    c.set("tokenName", identity.name);
    return next();
  };
}
