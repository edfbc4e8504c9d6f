import type { DigestPayload, NotificationPayload } from "./notification-payload.ts";
import { postJson, type DeliveryContext, type Notifier } from "./notifier.ts";
import { slackDigest, slackMessage } from "./slack-message.ts";

/**
 * Slack through an incoming webhook: the simple fallback. A webhook can only post to its own channel and cannot edit,
 * so every state change is a new message, routes' targets are ignored and there are no buttons.
 */
export class SlackNotifier implements Notifier {
  readonly channel = "slack";

  constructor(private readonly webhookUrl: string) {}

  async send(payload: NotificationPayload, context: DeliveryContext): Promise<void> {
    await postJson(this.webhookUrl, JSON.stringify(slackMessage(payload, context.release)), {});
  }

  async sendDigest(digest: DigestPayload): Promise<void> {
    await postJson(this.webhookUrl, JSON.stringify(slackDigest(digest)), {});
  }
}
