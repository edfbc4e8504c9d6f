import type { NotificationPayload } from "../verdicts/verdict-recorder.ts";

/** One alert channel. send() throws on failure; the dispatcher retries with backoff. */
export interface Notifier {
  readonly channel: string;
  send(payload: NotificationPayload, links: { release: string | undefined }): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** POSTs JSON with a timeout; 5xx, 429 and network errors are retryable, other 4xx are not. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs = 5000): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new DeliveryError(`could not reach ${new URL(url).host}: ${(err as Error).message}`, true);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new DeliveryError(`${new URL(url).host} answered ${res.status}`, res.status >= 500 || res.status === 429);
}
