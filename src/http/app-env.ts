import type { TokenScope } from "../tokens/token-service.ts";

export type AppEnv = {
  Variables: {
    requestId: string;
    tokenScope: TokenScope;
    /** Fields a handler adds to the request's one log line (counts, ids). */
    logFields: Record<string, unknown>;
  };
};
