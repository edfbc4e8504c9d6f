import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "./app-error.ts";
import type { AppEnv } from "./app-env.ts";
import { TokenService, type TokenIdentity, type TokenScope } from "../tokens/token-service.ts";

/** Throws 403 when the token may not touch this service and environment; `where` names the record in a batch. */
export function requireAccess(identity: TokenIdentity | undefined, service: string, environment: string, where?: string): void {
  const refused = identity?.access.refusal(service, environment);
  if (!refused) return;
  const at = where ? `${where}: ` : "";
  throw new AppError("FORBIDDEN", `Token '${identity!.name}' may not do this: ${at}${refused}. Nothing was stored or changed.`, where ? [{ path: where, message: refused }] : []);
}

/** Whether a list may show a row of this service and environment to the token (every row when it is not limited). */
export function mayRead(identity: TokenIdentity | undefined, service: string, environment: string): boolean {
  return identity?.access.refusal(service, environment) == null;
}

/** Checks a presented token's scope and records who it is for the handler and the audit log. */
export function admit(c: Context<AppEnv>, identity: TokenIdentity | null, need: TokenScope, via = "The API token"): void {
  if (!identity) throw new AppError("UNAUTHORIZED", `${via} is not valid.`);
  if (!TokenService.allows(identity.scope, need)) {
    throw new AppError("FORBIDDEN", `This endpoint needs a token with the '${need}' scope; this token has '${identity.scope}'.`);
  }
  c.set("tokenScope", identity.scope);
  c.set("tokenName", identity.name);
  c.set("token", identity);
}

/**
 * For a token limited to some services: the service and environment the request's path or query names (a release by
 * its id, a service by name), so decisions, evaluations and gates on another service are refused before they run.
 */
async function requireTargetAccess(c: Context<AppEnv>, tokens: TokenService, identity: TokenIdentity): Promise<void> {
  if (!identity.access.limited) return;
  const id = c.req.param("id");
  if (id !== undefined && c.req.path.startsWith("/api/v1/releases/")) {
    const release = await tokens.releaseTarget(id);
    if (release) requireAccess(identity, release.service, release.environment);
    return;
  }
  const service = c.req.param("service") ?? c.req.query("service");
  if (service !== undefined) requireAccess(identity, service, c.req.query("environment") ?? "production");
}

/** Requires a bearer token with the given scope; reads may be left open on a trusted network by configuration. */
export function requireScope(tokens: TokenService, need: TokenScope, openReads = false): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (need === "read" && openReads) return next();
    const header = c.req.header("authorization");
    const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) throw new AppError("UNAUTHORIZED", "Send the API token as 'Authorization: Bearer <token>'.");
    const identity = await tokens.identify(token);
    admit(c, identity, need);
    await requireTargetAccess(c, tokens, identity!);
    return next();
  };
}
