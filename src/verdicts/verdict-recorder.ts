import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { VerdictStatus } from "../analysis/score.ts";
import type { FinalVerdict, Verdict } from "./verdict.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { NotificationOutbox } from "../notify/notification-outbox.ts";
import type { VerdictContent } from "../notify/notification-payload.ts";
import type { EventSink } from "../sources/event-sink.ts";

export type { NotificationPayload } from "../notify/notification-payload.ts";

export type ReleaseIdentity = Pick<ReleaseRow, "id" | "service" | "environment" | "version">;

/** Asks for the rule's rollback in the final verdict's transaction (src/decisions/rollback-requests.ts). */
export interface FinalVerdictHook {
  onFinalVerdict(release: ReleaseIdentity, status: VerdictStatus, summary: string, rule: Rule, now: number): void;
}

/**
 * Stores verdicts with their release and queues their alerts; callers run it inside their transaction, so a verdict
 * and its alerts are stored together or not at all.
 */
export class VerdictRecorder {
  private readonly s: Record<"evaluation" | "interim" | "final" | "outcome", Statement>;

  constructor(
    db: Db,
    private readonly outbox: NotificationOutbox,
    private readonly onQueued: () => void = () => {},
    private readonly onFinal: FinalVerdictHook | undefined = undefined,
    private readonly events: EventSink | undefined = undefined,
  ) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      evaluation: p("INSERT INTO evaluations (release_id, kind, evaluated_at, status, score, result) VALUES (?, ?, ?, ?, ?, ?)"),
      interim: p("UPDATE releases SET verdict = ?, score = ?, summary = ?, consecutive_failures = ?, next_check_at = ?, updated_at = ? WHERE id = ?"),
      final: p("UPDATE releases SET status = ?, verdict = ?, score = ?, summary = ?, decided_at = ?, next_check_at = NULL, updated_at = ? WHERE id = ?"),
      outcome: p("UPDATE releases SET status = ?, summary = ?, score = NULL, decided_at = ?, next_check_at = NULL, updated_at = ? WHERE id = ?"),
    };
  }

  /** `changed`: whether the interim status differs from the last one; event sinks hear only of changes, not every look. */
  recordInterim(release: ReleaseIdentity, verdict: Verdict, failures: number, nextCheckAt: number, now: number, changed = true): void {
    const json = JSON.stringify(verdict);
    this.s.evaluation.run(release.id, "interim", now, verdict.status, verdict.score, json);
    this.s.interim.run(json, verdict.score, verdict.summary, failures, nextCheckAt, now, release.id);
    if (changed) this.publish(release, verdict, false, now);
  }

  recordFinal(release: ReleaseIdentity, verdict: FinalVerdict, rule: Rule, now: number): void {
    const json = JSON.stringify(verdict);
    this.s.evaluation.run(release.id, "final", now, verdict.status, verdict.score, json);
    this.s.final.run(verdict.status, json, verdict.score, verdict.summary, now, now, release.id);
    this.onFinal?.onFinalVerdict(release, verdict.status, verdict.summary, rule, now);
    this.queue(release, verdict, rule, now);
    this.publish(release, verdict, true, now);
  }

  /** A batch's verdict in a rolling deploy: alerts as a release verdict would, so on-call hears of a bad batch at once. */
  recordBatch(release: ReleaseIdentity, verdict: FinalVerdict, rule: Rule, now: number): void {
    this.queue(release, verdict, rule, now);
  }

  /** An outcome reported by the deploy tool itself (failed, rolled back): final, with no statistics. */
  recordOutcome(release: ReleaseIdentity, status: VerdictStatus, summary: string, now: number): void {
    this.s.evaluation.run(release.id, "final", now, status, null, JSON.stringify({ status, summary, checks: [] }));
    this.s.outcome.run(status, summary, now, now, release.id);
    this.queue(release, { status, score: null, summary, checks: [] }, undefined, now);
    this.publish(release, { status, score: null, summary }, true, now);
  }

  /** To the event sinks (Datadog events, Kibana annotations) once the caller's transaction is done; never awaited. */
  private publish(release: ReleaseIdentity, v: { status: string; score: number | null; summary: string }, final: boolean, now: number): void {
    const events = this.events;
    if (!events) return;
    const event = { release_id: release.id, service: release.service, environment: release.environment, version: release.version, status: v.status, summary: v.summary, score: v.score, at: now, final };
    queueMicrotask(() => void events.verdict(event).catch(() => undefined));
  }

  /** Routing, de-duplication and throttling happen in the outbox (src/notify/notification-outbox.ts). */
  private queue(release: ReleaseIdentity, content: VerdictContent, rule: Rule | undefined, now: number): void {
    if (this.outbox.enqueue(release, content, rule, now)) queueMicrotask(this.onQueued);
  }
}
