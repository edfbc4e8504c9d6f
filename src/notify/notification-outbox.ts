import type { VerdictStatus } from "../analysis/score.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { Statement, Store } from "../store/store.ts";
import { contentOf, PAYLOAD_VERSION, verdictPayload, type DecisionNote, type DigestPayload, type NotificationPayload, type VerdictContent } from "./notification-payload.ts";
import { routesFor, type ResolvedRoute } from "./notification-routing.ts";
import type { Notifier } from "./notifier.ts";

export interface ThrottleSettings {
  /** Releases alerted per channel, target and service in one window; the rest are collapsed into one digest. */
  max: number;
  windowMs: number;
}

interface Release {
  id: string;
  service: string;
  environment: string;
  version: string;
}

/** A verdict as the recorder hands it over: an observe-mode rule's also says what enforcing would have answered. */
type ObservedContent = VerdictContent & { observe?: boolean; would_have?: VerdictStatus | "analyzing" };

/**
 * What a verdict is routed and de-duplicated on: an observe-mode release passes, but is alerted as what it would have
 * been, so notify_on [fail] still tells the team "would have failed". Null: nothing decided yet to alert on.
 */
function alertStatus(content: ObservedContent): VerdictStatus | null {
  if (!content.observe) return content.status;
  const would = content.would_have ?? content.status;
  return would === "analyzing" ? null : would;
}

/**
 * Writes alerts into the outbox inside the caller's transaction: routed by the rule, de-duplicated (release, channel,
 * target and status queue once) and throttled per window into one "and K more" digest sent when the window closes.
 */
export class NotificationOutbox {
  private readonly s: Record<"insert" | "followUp" | "recent" | "digest" | "updateDigest" | "sentRoutes", Statement<unknown>>;

  constructor(
    store: Store,
    private readonly rules: RuleSet,
    private readonly notifiers: readonly Notifier[],
    private readonly throttle: ThrottleSettings,
  ) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      insert: p(`INSERT INTO notifications (release_id, channel, target, service, kind, dedupe_key, payload, status, attempts, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`),
      followUp: p(`SELECT 1 FROM notifications WHERE release_id = ? AND channel = ? AND target IS NOT DISTINCT FROM ? AND kind = 'verdict' AND status != 'throttled' LIMIT 1`),
      recent: p(`SELECT COUNT(DISTINCT release_id) AS n FROM notifications
        WHERE channel = ? AND target IS NOT DISTINCT FROM ? AND service = ? AND kind = 'verdict' AND status != 'throttled' AND created_at >= ?`),
      digest: p("SELECT id, payload, status FROM notifications WHERE dedupe_key = ?"),
      updateDigest: p("UPDATE notifications SET payload = ? WHERE id = ?"),
      // Routes that got (or are about to get) a message for the release: throttled and dead ones have nothing to follow.
      sentRoutes: p(`SELECT DISTINCT channel, target FROM notifications
        WHERE release_id = ? AND kind = 'verdict' AND status IN ('pending', 'sent') ORDER BY channel, target`),
    };
  }

  get channels(): string[] {
    return this.notifiers.map((n) => n.channel);
  }

  /**
   * Queues a verdict's alerts; with no rule given, the release's rule is looked up (outcomes reported by a deploy
   * tool). Returns whether anything is due now.
   */
  async enqueue(release: Release, content: ObservedContent, rule: Rule | undefined, now: number): Promise<boolean> {
    const r = rule ?? this.rules.forRelease({ ruleName: null, service: release.service, environment: release.environment });
    const payload = verdictPayload(release, content, now);
    const status = alertStatus(content);
    if (status === null) return false;
    let queued = false;
    for (const route of routesFor(r, release.service, status)) {
      const notifier = this.notifiers.find((n) => n.channel === route.channel);
      if (!notifier) continue;
      const throttled = notifier.sendDigest !== undefined && (await this.overLimit(route, release, now));
      const key = `${release.id}|${route.channel}|${route.target ?? ""}|${status}`;
      const inserted = await this.insert(release, route, "verdict", key, payload, throttled ? "throttled" : "pending", now, now);
      if (inserted && throttled) await this.addToDigest(route, release, payload, now);
      queued ||= inserted && !throttled;
    }
    return queued;
  }

  /**
   * Follows every message already sent (or on its way) for the release with a person's decision: Slack edits its
   * message in place (a webhook-only Slack posts a follow-up), HipChat posts a follow-up, the webhook gets a `decision`
   * event. Keyed by the decision, so it is queued once; the dispatcher sends it after the release's earlier alerts.
   */
  async enqueueDecision(release: ReleaseRow, decisionId: number, decision: DecisionNote, now: number): Promise<number> {
    const payload: NotificationPayload = { ...verdictPayload(release, contentOf(release), release.decidedAt ?? now), decision };
    const routes = (await this.s.sentRoutes.all(release.id)) as { channel: string; target: string | null }[];
    let queued = 0;
    for (const route of routes) {
      if (route.channel === "github" || !this.notifiers.some((n) => n.channel === route.channel)) continue;
      const key = `${release.id}|${route.channel}|${route.target ?? ""}|decision#${decisionId}`;
      if (await this.insert(release, route, "verdict", key, payload, "pending", now, now)) queued += 1;
    }
    return queued;
  }

  /**
   * A person must look at a rollback whose fate a crash made unknown: alerted wherever the release's rule sends a
   * failure, once per release (the dedupe key), summary saying what to check.
   */
  async enqueueRollbackUnknown(release: Release, message: string, now: number): Promise<number> {
    const rule = this.rules.forRelease({ ruleName: null, service: release.service, environment: release.environment });
    const payload = verdictPayload(release, { status: "fail", score: null, summary: message, checks: [] }, now);
    let queued = 0;
    for (const route of routesFor(rule, release.service, "fail")) {
      if (route.channel === "github" || !this.notifiers.some((n) => n.channel === route.channel)) continue;
      const key = `${release.id}|${route.channel}|${route.target ?? ""}|rollback-unknown`;
      if (await this.insert(release, route, "verdict", key, payload, "pending", now, now)) queued += 1;
    }
    return queued;
  }

  private async insert(release: Release, route: ResolvedRoute, kind: string, key: string, payload: unknown, status: string, due: number, now: number): Promise<boolean> {
    const changed = await this.s.insert.run(release.id, route.channel, route.target, release.service, kind, key, JSON.stringify(payload), status, due, now);
    return changed > 0;
  }

  private windowStart(now: number): number {
    return Math.floor(now / this.throttle.windowMs) * this.throttle.windowMs;
  }

  /** A release already alerted on this route is a follow-up and never held back; new releases past the limit are. */
  private async overLimit(route: ResolvedRoute, release: Release, now: number): Promise<boolean> {
    if (await this.s.followUp.get(release.id, route.channel, route.target)) return false;
    const { n } = (await this.s.recent.get(route.channel, route.target, release.service, this.windowStart(now))) as { n: number };
    return n >= this.throttle.max;
  }

  private async addToDigest(route: ResolvedRoute, release: Release, p: NotificationPayload, now: number): Promise<void> {
    const start = this.windowStart(now);
    const key = `digest|${route.channel}|${route.target ?? ""}|${release.service}|${start}`;
    const entry = { release_id: p.release_id, environment: p.environment, version: p.version, status: p.status, summary: p.summary };
    const row = (await this.s.digest.get(key)) as { id: number; payload: string; status: string } | undefined;
    if (!row) {
      const digest: DigestPayload = {
        type: "digest", schema_version: PAYLOAD_VERSION, service: release.service,
        window: { start: new Date(start).toISOString(), end: new Date(start + this.throttle.windowMs).toISOString() }, count: 1, releases: [entry],
      };
      await this.insert(release, route, "digest", key, digest, "pending", start + this.throttle.windowMs, now);
      return;
    }
    if (row.status !== "pending") return;
    const digest = JSON.parse(row.payload) as DigestPayload;
    digest.count += 1;
    if (digest.releases.length < 20) digest.releases.push(entry);
    await this.s.updateDigest.run(JSON.stringify(digest), row.id);
  }
}
