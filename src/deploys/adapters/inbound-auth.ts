import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "../../http/app-error.ts";
import { TokenService, type TokenIdentity } from "../../tokens/token-service.ts";
import type { InboundHeaders } from "./adapter.ts";

/** Compares a presented secret with the configured one in constant time (hashing first evens out the lengths). */
export function secretEquals(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks an API token with the ingest scope, from `Authorization: Bearer` or, for tools that cannot set headers,
 * from `?token=` (the request log keeps only the path, so the query never reaches a log line).
 */
export async function requireIngestToken(tokens: TokenService, req: InboundHeaders, tool: string, allowQuery: boolean): Promise<void> {
  const token = presentedToken(req, allowQuery);
  const how = allowQuery ? "'Authorization: Bearer <token>' or '?token=<token>' in the webhook URL" : "'Authorization: Bearer <token>'";
  if (!token) throw new AppError("UNAUTHORIZED", `The ${tool} webhook needs an API token with the 'ingest' scope, sent as ${how}.`);
  const scope = await tokens.scopeOf(token);
  if (!scope) throw new AppError("UNAUTHORIZED", `The API token sent with the ${tool} webhook is not valid.`);
  if (!TokenService.allows(scope, "ingest")) {
    throw new AppError("FORBIDDEN", `The ${tool} webhook needs a token with the 'ingest' scope; this token has '${scope}'.`);
  }
}

/** The identity of the API token a webhook presented (header or `?token=`), once authorize() has accepted it. */
export async function presentedIdentity(tokens: TokenService, req: InboundHeaders): Promise<TokenIdentity | undefined> {
  const token = presentedToken(req, true);
  return token ? ((await tokens.identify(token)) ?? undefined) : undefined;
}

/** `Authorization: Bearer <token>`, else (for tools that cannot set headers) `?token=`. */
function presentedToken(req: InboundHeaders, allowQuery: boolean): string | undefined {
  return req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? (allowQuery ? req.query("token") : undefined);
}
