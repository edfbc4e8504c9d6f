import type { Statement } from "better-sqlite3";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { Db } from "../store/db.ts";
import { PAYLOAD_VERSION, verdictPayload, type DecisionNote, type DigestPayload, type NotificationPayload, type VerdictContent } from "./notification-payload.ts";
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

/**
 * Writes alerts into the outbox inside the caller's transaction: routed by the rule, de-duplicated (release, channel,
 * target and status queue once) and throttled per window into one "and K more" digest sent when the window closes.
 */
export class NotificationOutbox {
  private readonly s: Record<"insert" | "followUp" | "recent" | "digest" | "updateDigest" | "refs", Statement>;

  constructor(
    db: Db,
    private readonly rules: RuleSet,
    private readonly notifiers: readonly Notifier[],
    private readonly throttle: ThrottleSettings,
  ) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO notifications (release_id, channel, target, service, kind, dedupe_key, payload, status, attempts, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`),
      followUp: p(`SELECT 1 FROM notifications WHERE release_id = ? AND channel = ? AND target IS ? AND kind = 'verdict' AND status != 'throttled' LIMIT 1`),
      recent: p(`SELECT COUNT(DISTINCT release_id) AS n FROM notifications
        WHERE channel = ? AND target IS ? AND service = ? AND kind = 'verdict' AND status != 'throttled' AND created_at >= ?`),
      digest: p("SELECT id, payload, status FROM notifications WHERE dedupe_key = ?"),
      updateDigest: p("UPDATE notifications SET payload = ? WHERE id = ?"),
      refs: p("SELECT target FROM message_refs WHERE release_id = ? AND channel = ?"),
    };
  }

  get channels(): string[] {
    return this.notifiers.map((n) => n.channel);
  }

  /**
   * Queues a verdict's alerts; with no rule given, the release's rule is looked up (outcomes reported by a deploy
   * tool). Returns whether anything is due now.
   */
  enqueue(release: Release, content: VerdictContent, rule: Rule | undefined, now: number): boolean {
    const r = rule ?? this.rules.forRelease({ ruleName: null, service: release.service, environment: release.environment });
    const payload = verdictPayload(release, content, now);
    let queued = false;
    for (const route of routesFor(r, release.service, content.status)) {
      const notifier = this.notifiers.find((n) => n.channel === route.channel);
      if (!notifier) continue;
      const throttled = notifier.sendDigest !== undefined && this.overLimit(route, release, now);
      const key = `${release.id}|${route.channel}|${route.target ?? ""}|${content.status}`;
      const inserted = this.insert(release, route, "verdict", key, payload, throttled ? "throttled" : "pending", now, now);
      if (inserted && throttled) this.addToDigest(route, release, payload, now);
      queued ||= inserted && !throttled;
    }
    return queued;
  }

  /** Edits the release's Slack messages to show who decided; returns how many were queued. */
  enqueueDecision(payload: NotificationPayload, decision: DecisionNote, now: number): number {
    const release = { id: payload.release_id, service: payload.service, environment: payload.environment, version: payload.version };
    const targets = this.s.refs.all(release.id, "slack") as { target: string }[];
    for (const { target } of targets) {
      const key = `${release.id}|slack|${target}|decision|${decision.action}|${now}`;
      this.insert(release, { channel: "slack", target: target === "" ? null : target }, "verdict", key, { ...payload, decision }, "pending", now, now);
    }
    return targets.length;
  }

  private insert(release: Release, route: ResolvedRoute, kind: string, key: string, payload: unknown, status: string, due: number, now: number): boolean {
    const info = this.s.insert.run(release.id, route.channel, route.target, release.service, kind, key, JSON.stringify(payload), status, due, now);
    return info.changes > 0;
  }

  private windowStart(now: number): number {
    return Math.floor(now / this.throttle.windowMs) * this.throttle.windowMs;
  }

  /** A release already alerted on this route is a follow-up and never held back; new releases past the limit are. */
  private overLimit(route: ResolvedRoute, release: Release, now: number): boolean {
    if (this.s.followUp.get(release.id, route.channel, route.target)) return false;
    const { n } = this.s.recent.get(route.channel, route.target, release.service, this.windowStart(now)) as { n: number };
    return n >= this.throttle.max;
  }

  private addToDigest(route: ResolvedRoute, release: Release, p: NotificationPayload, now: number): void {
    const start = this.windowStart(now);
    const key = `digest|${route.channel}|${route.target ?? ""}|${release.service}|${start}`;
    const entry = { release_id: p.release_id, environment: p.environment, version: p.version, status: p.status, summary: p.summary };
    const row = this.s.digest.get(key) as { id: number; payload: string; status: string } | undefined;
    if (!row) {
      const digest: DigestPayload = {
        type: "digest", schema_version: PAYLOAD_VERSION, service: release.service,
        window: { start: new Date(start).toISOString(), end: new Date(start + this.throttle.windowMs).toISOString() }, count: 1, releases: [entry],
      };
      this.insert(release, route, "digest", key, digest, "pending", start + this.throttle.windowMs, now);
      return;
    }
    if (row.status !== "pending") return;
    const digest = JSON.parse(row.payload) as DigestPayload;
    digest.count += 1;
    if (digest.releases.length < 20) digest.releases.push(entry);
    this.s.updateDigest.run(JSON.stringify(digest), row.id);
  }
}
