import type { VerdictStatus } from "../analysis/score.ts";
import { decisionHeadline } from "../decisions/decision-overlay.ts";
import { checkNumbers, type DecisionNote, type DigestPayload, type NotificationPayload } from "./notification-payload.ts";
import { postJson, type DeliveryContext, type Notifier } from "./notifier.ts";

export const HIPCHAT_COLORS: Record<VerdictStatus, "green" | "yellow" | "red" | "purple"> = { pass: "green", warn: "yellow", fail: "red", hold: "purple" };
/** HipChat refuses longer messages. */
export const HIPCHAT_MAX_MESSAGE = 10_000;

const WORDS: Record<VerdictStatus, string> = { pass: "Healthy", warn: "Watch it", fail: "Failing", hold: "On hold" };

export const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The HTML message, shortened (fewer reasons, then a shorter summary) until HipChat's limit is met. */
export function hipchatHtml(p: NotificationPayload, releaseLink: string | undefined): string {
  for (const [summaryMax, reasons] of [[4000, 5], [2000, 3], [1000, 1], [300, 0]] as const) {
    const html = render(p, releaseLink, summaryMax, reasons);
    if (html.length <= HIPCHAT_MAX_MESSAGE) return html;
  }
  return render(p, undefined, 100, 0);
}

function render(p: NotificationPayload, link: string | undefined, summaryMax: number, reasons: number): string {
  const title = `${WORDS[p.status]}: ${p.service} ${p.version} (${p.environment})`;
  let html = `<strong>${escapeHtml(cut(title, 300))}</strong><br>${escapeHtml(cut(p.summary, summaryMax))}`;
  const checks = p.checks.slice(0, reasons);
  if (checks.length > 0) html += `<ul>${checks.map((c) => `<li><b>${escapeHtml(checkNumbers(c))}</b>: ${escapeHtml(cut(c.reason, 600))}</li>`).join("")}</ul>`;
  else html += "<br>";
  if (p.decision) html += `${escapeHtml(hipchatDecision(p.decision))}<br>`;
  html += `Score ${p.score ?? "–"} · release <code>${escapeHtml(cut(p.release_id, 100))}</code>`;
  if (link) html += ` · <a href="${escapeHtml(link)}">Open the release</a>`;
  return html;
}

/** The follow-up's decision line: what a person decided, and no more than was done. */
export function hipchatDecision(d: DecisionNote): string {
  const scope = d.batch ? ` (batch ${d.batch})` : d.signal ? ` (signal ${d.signal})` : d.feedback ? ` (${d.feedback.replace("_", " ")})` : "";
  const reason = d.reason ? `: ${cut(d.reason, 300)}` : "";
  const rollback = d.rollback && d.rollback.status !== "requested" && d.rollback.status !== "done" ? ` ${d.rollback.message}` : "";
  return `${decisionHeadline({ action: d.action, actor: `${cut(d.by, 100)}${scope}`, rollback: d.rollback ?? null }, d.at)}${reason}.${rollback}`;
}

export function hipchatDigestHtml(d: DigestPayload): string {
  const items = d.releases.slice(0, 20).map((r) => `<li><b>${escapeHtml(cut(`${r.version} (${r.environment}) ${r.status}`, 200))}</b>: ${escapeHtml(cut(r.summary, 300))}</li>`);
  const more = d.count > items.length ? `and ${d.count - items.length} more` : "";
  return `<strong>${escapeHtml(`${d.count} more alerts for ${cut(d.service, 100)}`)}</strong> held back between ${escapeHtml(d.window.start)} and ${escapeHtml(d.window.end)}<ul>${items.join("")}</ul>${more}`;
}

/** HipChat Server / Data Center, REST API v2 room notification; answers 204. */
export class HipChatNotifier implements Notifier {
  readonly channel = "hipchat";

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly defaultRoom: string,
  ) {}

  async send(payload: NotificationPayload, context: DeliveryContext): Promise<void> {
    const notify = payload.status === "fail" || payload.status === "hold";
    await this.post(context.target, { color: HIPCHAT_COLORS[payload.status], message: hipchatHtml(payload, context.release), message_format: "html", notify, from: "deploy-guard" });
  }

  async sendDigest(digest: DigestPayload, context: DeliveryContext): Promise<void> {
    await this.post(context.target, { color: "gray", message: cut(hipchatDigestHtml(digest), HIPCHAT_MAX_MESSAGE), message_format: "html", notify: false, from: "deploy-guard" });
  }

  private async post(target: string | undefined, body: Record<string, unknown>): Promise<void> {
    const room = encodeURIComponent(target ?? this.defaultRoom);
    await postJson(`${this.baseUrl.replace(/\/+$/, "")}/v2/room/${room}/notification`, JSON.stringify(body), { authorization: `Bearer ${this.token}` });
  }
}
