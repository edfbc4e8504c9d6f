import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { VerdictStatus } from "../analysis/score.ts";
import type { Verdict } from "./verdict.ts";
import type { Rule } from "../rules/rule-schema.ts";

export type ReleaseIdentity = Pick<ReleaseRow, "id" | "service" | "environment" | "version">;

export interface NotificationPayload {
  release_id: string;
  service: string;
  environment: string;
  version: string;
  status: VerdictStatus;
  score: number | null;
  summary: string;
  reasons: string[];
  decided_at: string;
}

/**
 * Stores verdicts with their release and queues their alerts; callers run it inside their transaction, so a verdict
 * and its alerts are stored together or not at all.
 */
export class VerdictRecorder {
  private readonly s: Record<"evaluation" | "interim" | "final" | "outcome" | "notification", Statement>;

  constructor(
    db: Db,
    private readonly channels: readonly string[],
    private readonly onQueued: () => void = () => {},
  ) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      evaluation: p("INSERT INTO evaluations (release_id, kind, evaluated_at, status, score, result) VALUES (?, ?, ?, ?, ?, ?)"),
      interim: p("UPDATE releases SET verdict = ?, score = ?, summary = ?, consecutive_failures = ?, next_check_at = ?, updated_at = ? WHERE id = ?"),
      final: p("UPDATE releases SET status = ?, verdict = ?, score = ?, summary = ?, decided_at = ?, next_check_at = NULL, updated_at = ? WHERE id = ?"),
      outcome: p("UPDATE releases SET status = ?, summary = ?, score = NULL, decided_at = ?, next_check_at = NULL, updated_at = ? WHERE id = ?"),
      notification: p("INSERT INTO notifications (release_id, channel, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)"),
    };
  }

  recordInterim(release: ReleaseIdentity, verdict: Verdict, failures: number, nextCheckAt: number, now: number): void {
    const json = JSON.stringify(verdict);
    this.s.evaluation.run(release.id, "interim", now, verdict.status, verdict.score, json);
    this.s.interim.run(json, verdict.score, verdict.summary, failures, nextCheckAt, now, release.id);
  }

  recordFinal(release: ReleaseIdentity, verdict: Verdict, rule: Rule, now: number): void {
    const json = JSON.stringify(verdict);
    this.s.evaluation.run(release.id, "final", now, verdict.status, verdict.score, json);
    this.s.final.run(verdict.status, json, verdict.score, verdict.summary, now, now, release.id);
    if (rule.actions.notify_on.includes(verdict.status)) {
      const reasons = verdict.checks.filter((c) => c.status !== "pass").map((c) => c.reason);
      this.queue(release, verdict.status, verdict.score, verdict.summary, reasons, rule.actions.notify, now);
    }
  }

  /** A batch's verdict in a rolling deploy: alerts as a release verdict would, so on-call hears of a bad batch at once. */
  recordBatch(release: ReleaseIdentity, verdict: Verdict, rule: Rule, now: number): void {
    if (!rule.actions.notify_on.includes(verdict.status)) return;
    const reasons = verdict.checks.filter((c) => c.status !== "pass").map((c) => c.reason);
    this.queue(release, verdict.status, verdict.score, verdict.summary, reasons, rule.actions.notify, now);
  }

  /** An outcome reported by the deploy tool itself (failed, rolled back): final, with no statistics. */
  recordOutcome(release: ReleaseIdentity, status: VerdictStatus, summary: string, now: number): void {
    this.s.evaluation.run(release.id, "final", now, status, null, JSON.stringify({ status, summary, checks: [] }));
    this.s.outcome.run(status, summary, now, now, release.id);
    this.queue(release, status, null, summary, [], this.channels, now);
  }

  private queue(release: ReleaseIdentity, status: VerdictStatus, score: number | null, summary: string, reasons: string[], wanted: readonly string[], now: number): void {
    const payload: NotificationPayload = {
      release_id: release.id, service: release.service, environment: release.environment, version: release.version,
      status, score, summary, reasons: reasons.slice(0, 5), decided_at: new Date(now).toISOString(),
    };
    let queued = false;
    for (const channel of wanted) {
      if (!this.channels.includes(channel)) continue;
      this.s.notification.run(release.id, channel, JSON.stringify(payload), now, now);
      queued = true;
    }
    if (queued) queueMicrotask(this.onQueued);
  }
}
