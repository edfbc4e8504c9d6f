import { eq } from "drizzle-orm";
import type { Db } from "../store/db.ts";
import { evaluations, notifications, releases, type ReleaseRow } from "../store/schema/index.ts";
import type { VerdictStatus } from "../analysis/score.ts";
import type { Verdict } from "./verdict.ts";
import type { Rule } from "../rules/rule-schema.ts";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

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

/** Stores verdicts with their release and queues their alerts in the same transaction, so neither is lost. */
export class VerdictRecorder {
  constructor(
    private readonly channels: readonly string[],
    private readonly onQueued: () => void = () => {},
  ) {}

  recordInterim(tx: Tx, release: ReleaseRow, verdict: Verdict, failures: number, nextCheckAt: number, now: number): void {
    tx.insert(evaluations).values({ releaseId: release.id, kind: "interim", evaluatedAt: now, status: verdict.status, score: verdict.score, result: verdict }).run();
    tx.update(releases)
      .set({ verdict, score: verdict.score, summary: verdict.summary, consecutiveFailures: failures, nextCheckAt, updatedAt: now })
      .where(eq(releases.id, release.id))
      .run();
  }

  recordFinal(tx: Tx, release: ReleaseRow, verdict: Verdict, rule: Rule, now: number): void {
    tx.insert(evaluations).values({ releaseId: release.id, kind: "final", evaluatedAt: now, status: verdict.status, score: verdict.score, result: verdict }).run();
    tx.update(releases)
      .set({ status: verdict.status, verdict, score: verdict.score, summary: verdict.summary, decidedAt: now, nextCheckAt: null, updatedAt: now })
      .where(eq(releases.id, release.id))
      .run();
    if (rule.actions.notify_on.includes(verdict.status)) {
      this.queue(tx, release, verdict.status, verdict.score, verdict.summary, verdict.checks.filter((c) => c.status !== "pass").map((c) => c.reason), rule.actions.notify, now);
    }
  }

  /** An outcome reported by the deploy tool itself (failed, rolled back): final, with no statistics. */
  recordOutcome(tx: Tx, release: ReleaseRow, status: VerdictStatus, summary: string, now: number): void {
    tx.insert(evaluations).values({ releaseId: release.id, kind: "final", evaluatedAt: now, status, score: null, result: { status, summary, checks: [] } }).run();
    tx.update(releases)
      .set({ status, summary, score: null, decidedAt: now, nextCheckAt: null, updatedAt: now })
      .where(eq(releases.id, release.id))
      .run();
    this.queue(tx, release, status, null, summary, [], this.channels, now);
  }

  private queue(tx: Tx, release: ReleaseRow, status: VerdictStatus, score: number | null, summary: string, reasons: string[], wanted: readonly string[], now: number): void {
    const payload: NotificationPayload = {
      release_id: release.id, service: release.service, environment: release.environment, version: release.version,
      status, score, summary, reasons: reasons.slice(0, 5), decided_at: new Date(now).toISOString(),
    };
    let queued = false;
    for (const channel of wanted) {
      if (!this.channels.includes(channel)) continue;
      tx.insert(notifications).values({ releaseId: release.id, channel, payload, status: "pending", nextAttemptAt: now, createdAt: now }).run();
      queued = true;
    }
    if (queued) queueMicrotask(this.onQueued);
  }
}
