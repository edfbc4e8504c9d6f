import type { NotificationPayload } from "../verdicts/verdict-recorder.ts";
import { postJson, type Notifier } from "./notifier.ts";

const LOOK: Record<string, { emoji: string; word: string }> = {
  pass: { emoji: ":white_check_mark:", word: "Healthy" },
  warn: { emoji: ":warning:", word: "Watch it" },
  fail: { emoji: ":rotating_light:", word: "Failing" },
  hold: { emoji: ":pause_button:", word: "On hold" },
};

/** Block Kit message for a Slack incoming webhook. */
export function slackMessage(p: NotificationPayload, releaseLink: string | undefined) {
  const look = LOOK[p.status] ?? { emoji: ":grey_question:", word: p.status };
  const title = `${look.emoji} ${look.word}: ${p.service} ${p.version} (${p.environment})`;
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: escape(p.summary) } },
  ];
  if (p.reasons.length > 0) blocks.push({ type: "section", text: { type: "mrkdwn", text: p.reasons.slice(0, 3).map((r) => `• ${escape(r)}`).join("\n") } });
  const context = [`Score ${p.score ?? "–"}`, `release ${p.release_id}`];
  if (releaseLink) context.push(`<${releaseLink}|Open the release>`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] });
  return { text: `${title}: ${p.summary}`, blocks };
}

const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export class SlackNotifier implements Notifier {
  readonly channel = "slack";

  constructor(private readonly webhookUrl: string) {}

  async send(payload: NotificationPayload, links: { release: string | undefined }): Promise<void> {
    await postJson(this.webhookUrl, JSON.stringify(slackMessage(payload, links.release)), {});
  }
}
