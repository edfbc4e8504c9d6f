import type { DeployEventInput } from "../deploy-event.ts";

/** The deploy tools whose own webhooks the guard understands; each has one adapter and one route, /api/v1/webhooks/{tool}. */
export const INBOUND_TOOLS = ["github", "gitlab", "argocd", "flagger", "jenkins", "spinnaker"] as const;
export type InboundTool = (typeof INBOUND_TOOLS)[number];

/** What an adapter sees of the request: the raw body (signatures are over its bytes), headers in lower case, the query. */
export interface InboundRequest {
  rawBody: string;
  header(name: string): string | undefined;
  query(name: string): string | undefined;
}

/** The result of reading one webhook: deploy events to record, or a reason the payload means nothing to the guard. */
export type InboundResult = { events: DeployEventInput[] } | { ignored: string };

/**
 * One deploy tool's webhook. verify() throws AppError("UNAUTHORIZED") when the signature or token is wrong or missing;
 * read() throws AppError("VALIDATION_FAILED") naming the field when the payload is not what the tool sends.
 */
export interface InboundAdapter {
  readonly tool: InboundTool;
  verify(req: InboundRequest): void;
  read(payload: unknown, req: InboundRequest): InboundResult;
}
