import type { DigestPayload, NotificationPayload } from "./notification-payload.ts";
import type { DeliveryContext, DeliveryReceipt, Notifier } from "./notifier.ts";
import { SlackApi, SlackApiError } from "./slack-api.ts";
import { slackDigest, slackMessage } from "./slack-message.ts";

/** The stored message is gone or too old to edit: post a new one instead of failing the alert. */
const REPOST = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);
/** Message metadata type carrying the alert's idempotency key, so a post cut off by a crash can be found again. */
export const ALERT_EVENT_TYPE = "deploy_guard_alert";
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

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
    const ref = context.ref ?? (await this.findPosted(context));
    if (ref) {
      const [channel, ts] = splitRef(ref);
      try {
        await this.api.call("chat.update", { channel, ts, ...message });
        return { ref };
      } catch (err) {
        if (!(err instanceof SlackApiError && REPOST.has(err.code))) throw err;
      }
    }
    const answer = await this.api.call("chat.postMessage", { channel: context.target ?? this.defaultChannel, ...message, ...metadata(context) });
    return { ref: `${String(answer.channel)}:${String(answer.ts)}` };
  }

  async sendDigest(digest: DigestPayload, context: DeliveryContext): Promise<void> {
    if (await this.findPosted(context)) return;
    await this.api.call("chat.postMessage", { channel: context.target ?? this.defaultChannel, ...slackDigest(digest), ...metadata(context) });
  }

  /**
   * After a crash mid-post, looks for the message by its idempotency key in the channel's history since that attempt.
   * Needs the channel's id (conversations.history takes no names); a lookup that cannot run posts again.
   */
  private async findPosted(context: DeliveryContext): Promise<string | undefined> {
    if (context.uncertainSince === undefined || !context.idempotencyKey) return undefined;
    const channel = context.target ?? this.defaultChannel;
    if (!CHANNEL_ID.test(channel)) return undefined;
    let answer: Record<string, unknown>;
    try {
      answer = await this.api.call("conversations.history", {
        channel, oldest: String(Math.floor(context.uncertainSince / 1000) - 60), limit: 200, include_all_metadata: true,
      });
    } catch (err) {
      if (err instanceof SlackApiError && !err.retryable) return undefined;
      throw err;
    }
    const messages = Array.isArray(answer.messages) ? (answer.messages as { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: string } } }[]) : [];
    const found = messages.find((m) => m.metadata?.event_type === ALERT_EVENT_TYPE && m.metadata.event_payload?.key === context.idempotencyKey);
    return found?.ts ? `${channel}:${found.ts}` : undefined;
  }
}

function metadata(context: DeliveryContext): Record<string, unknown> {
  return context.idempotencyKey ? { metadata: { event_type: ALERT_EVENT_TYPE, event_payload: { key: context.idempotencyKey } } } : {};
}

export function splitRef(ref: string): [string, string] {
  const at = ref.indexOf(":");
  return [ref.slice(0, at), ref.slice(at + 1)];
}
