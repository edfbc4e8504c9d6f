import { createHmac } from "node:crypto";
import type { DigestPayload, NotificationPayload } from "./notification-payload.ts";
import { postJson, type DeliveryContext, type Notifier } from "./notifier.ts";

/**
 * Signs like Stripe: header `X-Deploy-Guard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
 * so a receiver can check both origin and freshness.
 */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** The generic webhook; its payload is documented in docs/integrations/notifications.md. */
export class WebhookNotifier implements Notifier {
  readonly channel = "webhook";

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A payload with a decision is the `decision` event: the release as it stood, and what a person decided. */
  async send(payload: NotificationPayload, context: DeliveryContext): Promise<void> {
    const event = payload.decision ? "decision" : "verdict";
    await this.post(event, JSON.stringify({ ...payload, type: event, release_url: context.release ?? null }), context.idempotencyKey);
  }

  async sendDigest(digest: DigestPayload, context?: DeliveryContext): Promise<void> {
    await this.post("digest", JSON.stringify(digest), context?.idempotencyKey);
  }

  /** Idempotency-Key: one per notification, the same on a retry, so a receiver can drop a repeat after our crash. */
  private async post(event: string, body: string, key: string | undefined): Promise<void> {
    await postJson(this.url, body, {
      "x-deploy-guard-event": event, "x-deploy-guard-signature": signBody(this.secret, body, Math.floor(this.now() / 1000)),
      ...(key ? { "idempotency-key": key } : {}),
    });
  }
}
