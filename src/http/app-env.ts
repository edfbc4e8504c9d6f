import type { TokenIdentity, TokenScope } from "../tokens/token-service.ts";

export type AppEnv = {
  Variables: {
    requestId: string;
    tokenScope: TokenScope;
    /** The name of the token that authorised the request, for the audit log (never the token itself). */
    tokenName: string;
    /** Who the token is and what it may touch; absent when reads are open and no token was sent. */
    token: TokenIdentity;
    /** Fields a handler adds to the request's one log line (counts, ids). */
    logFields: Record<string, unknown>;
  };
};
