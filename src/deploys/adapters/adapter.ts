import type { DeployEventInput } from "../deploy-event.ts";

/** The deploy tools whose own webhooks the guard understands; each has one adapter and one route, /api/v1/webhooks/{tool}. */
export const INBOUND_TOOLS = ["github", "gitlab", "argocd", "flagger", "jenkins", "spinnaker"] as const;
export type InboundTool = (typeof INBOUND_TOOLS)[number];

/** What can be checked before a byte of the body is read: headers (lower-case names) and the query. */
export interface InboundHeaders {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
}

/** What an adapter sees of the whole request: also the raw body (signatures are over its bytes). */
export interface InboundRequest extends InboundHeaders {
  rawBody: string;
}

/** A signature computed over the body as it streams in; verify() throws AppError("UNAUTHORIZED") when it does not match. */
export interface BodySignature {
  update(chunk: Uint8Array): void;
  verify(): void;
}

/** The result of reading one webhook: deploy events to record, or a reason the payload means nothing to the guard. */
export type InboundResult = { events: DeployEventInput[] } | { ignored: string };

/**
 * One deploy tool's webhook. authorize() checks everything the headers can tell (token, signature header present and
 * well formed) and throws AppError("UNAUTHORIZED"/"FORBIDDEN") before the body is read; a tool that signs its bodies
 * returns the signature to feed as the body streams. read() throws AppError("VALIDATION_FAILED") naming the field
 * when the payload is not what the tool sends. maxBodyBytes: the most this tool really sends (see body-caps.ts).
 */
export interface InboundAdapter {
  readonly tool: InboundTool;
  readonly maxBodyBytes: number;
  authorize(req: InboundHeaders): Promise<BodySignature | undefined>;
  /** Async only where reading also stores (GitHub keeps its deployment's reference); the others only parse. */
  read(payload: unknown, req: InboundRequest): InboundResult | Promise<InboundResult>;
}

/** The whole check on a body already in memory, for callers that are not streaming (tests, replays). */
export async function verifyWhole(adapter: InboundAdapter, req: InboundRequest): Promise<void> {
  const signature = await adapter.authorize(req);
  signature?.update(Buffer.from(req.rawBody, "utf8"));
  signature?.verify();
}
