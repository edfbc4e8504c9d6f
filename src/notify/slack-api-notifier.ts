import type { DigestPayload, NotificationPayload } from "./notification-payload.ts";
import type { DeliveryContext, DeliveryReceipt, Notifier } from "./notifier.ts";
import { SlackApi, SlackApiError } from "./slack-api.ts";
import { slackDigest, slackMessage } from "./slack-message.ts";

/** The stored message is gone or too old to edit: post a new one instead of failing the alert. */
const REPOST = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

/**
 * Slack through the Web API: the first alert of a release is posted (chat.postMessage), every later state edits that
 * message (chat.update with the stored channel id and ts), so a channel shows one message per release.
 */
export class SlackApiNotifier implements Notifier {
  readonly channel = "slack";

  constructor(
    private readonly api: SlackApi,
    private readonly defaultChannel: string,
    private readonly interactive: boolean,
  ) {}

  async send(payload: NotificationPayload, context: DeliveryContext): Promise<DeliveryReceipt> {
    const message = slackMessage(payload, context.release, this.interactive);
    if (context.ref) {
      const [channel, ts] = splitRef(context.ref);
      try {
        await this.api.call("chat.update", { channel, ts, ...message });
        return { ref: context.ref };
      } catch (err) {
        if (!(err instanceof SlackApiError && REPOST.has(err.code))) throw err;
      }
    }
    const answer = await this.api.call("chat.postMessage", { channel: context.target ?? this.defaultChannel, ...message });
    return { ref: `${String(answer.channel)}:${String(answer.ts)}` };
  }

  async sendDigest(digest: DigestPayload, context: DeliveryContext): Promise<void> {
    await this.api.call("chat.postMessage", { channel: context.target ?? this.defaultChannel, ...slackDigest(digest) });
  }
}

export function splitRef(ref: string): [string, string] {
  const at = ref.indexOf(":");
  return [ref.slice(0, at), ref.slice(at + 1)];
}
