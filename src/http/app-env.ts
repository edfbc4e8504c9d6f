import type { TokenScope } from "../tokens/token-service.ts";

export type AppEnv = {
  Variables: {
    requestId: string;
    tokenScope: TokenScope;
    /** The name of the token that authorised the request, for the audit log (never the token itself). */
    tokenName: string;
    /** Fields a handler adds to the request's one log line (counts, ids). */
    logFields: Record<string, unknown>;
  };
};
