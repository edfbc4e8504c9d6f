import { createHmac } from "node:crypto";
import type { NotificationPayload } from "../verdicts/verdict-recorder.ts";
import { postJson, type Notifier } from "./notifier.ts";

/**
 * Signs like Stripe: header `X-Deploy-Guard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`,
 * so a receiver can check both origin and freshness.
 */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

export class WebhookNotifier implements Notifier {
  readonly channel = "webhook";

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  async send(payload: NotificationPayload, links: { release: string | undefined }): Promise<void> {
    const body = JSON.stringify({ type: "verdict", ...payload, release_url: links.release ?? null });
    await postJson(this.url, body, { "x-deploy-guard-signature": signBody(this.secret, body, Math.floor(this.now() / 1000)) });
  }
}
