import type { VerdictStatus } from "../analysis/score.ts";
import { decisionHeadline } from "../decisions/decision-overlay.ts";
import { checkNumbers, type DecisionNote, type DigestPayload, type NotificationPayload } from "./notification-payload.ts";

export const APPROVE_ACTION = "deploy_guard_approve";
export const ROLLBACK_ACTION = "deploy_guard_rollback";

export const SLACK_LOOK: Record<VerdictStatus, { emoji: string; word: string; color: string }> = {
  pass: { emoji: ":white_check_mark:", word: "Healthy", color: "#2EB67D" },
  warn: { emoji: ":warning:", word: "Watch it", color: "#ECB22E" },
  fail: { emoji: ":rotating_light:", word: "Failing", color: "#E01E5A" },
  hold: { emoji: ":pause_button:", word: "On hold", color: "#7C3AED" },
};

const DECIDED_EMOJI: Record<DecisionNote["action"], string> = {
  approve: ":white_check_mark:", hold: ":pause_button:", rollback: ":leftwards_arrow_with_hook:", retry: ":repeat:", skip: ":heavy_minus_sign:", mark_wrong: ":memo:",
};

/** Who decided what, claiming no more than was done; a Slack presser is mentioned, anyone else named. */
export function decisionLine(d: DecisionNote): string {
  const who = d.slack_user_id ? `<@${d.slack_user_id}>` : escapeMrkdwn(d.by);
  const scope = d.batch ? ` (batch ${d.batch})` : d.signal ? ` (${escapeMrkdwn(d.signal)})` : d.feedback ? ` (${d.feedback.replace("_", " ")})` : "";
  let line = `${DECIDED_EMOJI[d.action]} ${decisionHeadline({ action: d.action, actor: `${who}${scope}`, rollback: d.rollback ?? null }, d.at)}`;
  if (d.reason && d.via !== "slack") line += `: ${escapeMrkdwn(d.reason)}`;
  if (d.rollback && d.rollback.status !== "requested" && d.rollback.status !== "done") line += `\n${escapeMrkdwn(d.rollback.message)}`;
  return line;
}

/** Slack's mrkdwn treats only these three as control characters. */
export const escapeMrkdwn = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const field = (name: string, value: string) => ({ type: "mrkdwn", text: `*${name}*\n${escapeMrkdwn(value)}` });

export interface SlackMessage {
  text: string;
  attachments: { color: string; blocks: unknown[] }[];
}

/**
 * Block Kit inside one attachment, because only attachments carry the colour bar. Slack shows the message's `text`
 * above the attachment (and alone in notifications), so the title and the summary are said there once, not again in
 * the blocks; a reason the summary already says is shown by its numbers alone. The buttons come only with the Web API
 * (interactive), whose chat.update can then show who decided.
 */
export function slackMessage(p: NotificationPayload, releaseLink: string | undefined, interactive = false): SlackMessage {
  const look = SLACK_LOOK[p.status];
  const title = `${look.emoji} ${look.word}: ${p.service} ${p.version} (${p.environment})`;
  const blocks: unknown[] = [
    {
      type: "section",
      fields: [field("Service", p.service), field("Version", p.version), field("Environment", p.environment), field("Score", p.score === null ? "–" : String(p.score))],
    },
  ];
  if (p.checks.length > 0) {
    const lines = p.checks.slice(0, 3).map((c) => `• *${escapeMrkdwn(checkNumbers(c))}*${p.summary.includes(c.reason.trim()) ? "" : `: ${escapeMrkdwn(c.reason)}`}`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(`*Top reasons*\n${lines.join("\n")}`, 3000) } });
  }
  if (p.decision) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(decisionLine(p.decision), 3000) } });
  } else if (interactive && p.status !== "pass") {
    blocks.push({ type: "actions", block_id: "deploy_guard_decision", elements: decisionButtons(p) });
  }
  const context = [`release \`${escapeMrkdwn(p.release_id)}\``];
  if (releaseLink) context.push(`<${releaseLink}|Open the release>`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] });
  // The fallback text is mrkdwn too (and is what notifications show): a name there could otherwise ping <!channel>.
  return { text: cut(escapeMrkdwn(`${title}: ${p.summary}`), 3000), attachments: [{ color: look.color, blocks }] };
}

function decisionButtons(p: NotificationPayload): unknown[] {
  const what = `${p.service} ${p.version} in ${p.environment}`;
  return [
    { type: "button", action_id: APPROVE_ACTION, style: "primary", value: p.release_id, text: { type: "plain_text", text: "Approve" } },
    {
      type: "button", action_id: ROLLBACK_ACTION, style: "danger", value: p.release_id, text: { type: "plain_text", text: "Roll back" },
      confirm: {
        title: { type: "plain_text", text: "Roll back?" },
        text: { type: "plain_text", text: cut(`Roll back ${what}?`, 300) },
        confirm: { type: "plain_text", text: "Roll back" },
        deny: { type: "plain_text", text: "Cancel" },
        style: "danger",
      },
    },
  ];
}

/** One message for the alerts a busy window held back. */
export function slackDigest(d: DigestPayload): SlackMessage {
  const title = `:mailbox_with_mail: ${d.count} more alert${d.count === 1 ? "" : "s"} for ${d.service}`;
  const lines = d.releases.slice(0, 10).map((r) => `• ${SLACK_LOOK[r.status].emoji} *${escapeMrkdwn(`${r.version} (${r.environment})`)}* ${r.status}: ${escapeMrkdwn(r.summary)}`);
  if (d.count > lines.length) lines.push(`… and ${d.count - lines.length} more`);
  const blocks = [
    { type: "header", text: { type: "plain_text", text: cut(title, 150), emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: cut(lines.join("\n"), 3000) } },
    { type: "context", elements: [{ type: "mrkdwn", text: `Held back between ${d.window.start} and ${d.window.end} so the channel is not flooded.` }] },
  ];
  return { text: cut(escapeMrkdwn(`${title}: ${d.releases.map((r) => `${r.version} ${r.status}`).join(", ")}`), 3000), attachments: [{ color: "#9CA3AF", blocks }] };
}
