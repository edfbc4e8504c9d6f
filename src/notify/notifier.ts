import type { DigestPayload, NotificationPayload } from "./notification-payload.ts";

/** Where one alert goes and what came before it. */
export interface DeliveryContext {
  /** Link to the release's page, when DEPLOY_GUARD_PUBLIC_URL is set. */
  release: string | undefined;
  /** The route's channel or room name; undefined for the notifier's configured default. */
  target?: string | undefined;
  /** What an earlier send() of this release to this target returned, so the message is edited, not repeated. */
  ref?: string | undefined;
  /** The same on every attempt at this alert: a receiver that saw it already can drop the repeat. */
  idempotencyKey?: string | undefined;
  /** Set when an earlier attempt was cut off by a crash (when it started): it may have been delivered. */
  uncertainSince?: number | undefined;
}

export interface DeliveryReceipt {
  ref?: string;
}

/** One alert channel. send() throws on failure; the dispatcher retries with backoff. */
export interface Notifier {
  readonly channel: string;
  send(payload: NotificationPayload, context: DeliveryContext): Promise<void | DeliveryReceipt>;
  /** Channels that can be throttled: one message for the alerts a busy window collapsed. */
  sendDigest?(digest: DigestPayload, context: DeliveryContext): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** POSTs with a timeout and returns the answer; only a network failure throws (retryable). Errors name the host only. */
export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs = 5000): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new DeliveryError(`could not reach ${new URL(url).host}: ${(err as Error).message}`, true);
  }
  return { status: res.status, text: await res.text().catch(() => "") };
}

/** POSTs JSON with a timeout; 5xx, 429 and network errors are retryable, other 4xx are not. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs = 5000): Promise<void> {
  const res = await post(url, body, headers, timeoutMs);
  if (res.status < 200 || res.status > 299) throw new DeliveryError(`${new URL(url).host} answered ${res.status}`, res.status >= 500 || res.status === 429);
}
