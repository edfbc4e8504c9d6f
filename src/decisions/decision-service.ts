import type { Statement } from "better-sqlite3";
import { AppError } from "../http/app-error.ts";
import type { NotificationOutbox } from "../notify/notification-outbox.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { Db } from "../store/db.ts";
import { DECISION_ACTIONS, type ReleaseRow } from "../store/schema/index.ts";
import type { AuditLog } from "./audit-log.ts";
import { checkBatch, checkFields, checkMark, checkSignal, refuseSenseless, type DecisionFields } from "./decision-checks.ts";
import {
  DECIDED_STATUS, decisionHeadline, type DecisionAction, type DecisionChannel, type DecisionFeedback, type DecisionView, type RollbackOutcome,
} from "./decision-overlay.ts";
import { DecisionStore, notConfigured } from "./decision-store.ts";
import type { RollbackRequests } from "./rollback-requests.ts";

export { DECISION_ACTIONS };
export type { DecisionAction, DecisionChannel, DecisionFeedback, DecisionView };

export interface DecisionInput extends DecisionFields {
  releaseId: string;
  actor: string;
  via: DecisionChannel;
  /** The presser of a Slack button, so the edited message can mention them. */
  slackUserId?: string | undefined;
}

/** What the decision service needs of the verdicts: retry and skipSignal re-judge the release (issue 12). */
export interface DecidableVerdicts {
  get(id: string): ReleaseRow;
  ruleFor(release: ReleaseRow): Rule;
  retry(releaseId: string, now: number): void;
  skipSignal(releaseId: string, signal: string, actor: string, now: number): void;
}

/**
 * The one verb for operators' decisions, whoever calls it. It records the decision and its audit entry, does what the
 * action asks (rollback request, re-judgement), and queues an update of every message already sent for the release,
 * all in one transaction, so nothing is claimed that was not done and nothing is sent twice.
 */
export class DecisionService {
  readonly store: DecisionStore;
  private readonly s: Record<"deployStatus", Statement>;

  constructor(
    private readonly db: Db,
    private readonly verdicts: DecidableVerdicts,
    private readonly audit: AuditLog,
    private readonly rollbacks: RollbackRequests,
    private readonly outbox: NotificationOutbox,
    private readonly now: () => number = Date.now,
    private readonly onDecided: () => void = () => {},
  ) {
    this.store = new DecisionStore(db);
    this.s = { deployStatus: db.$client.prepare("SELECT status FROM deploys WHERE id = ?") };
  }

  decide(input: DecisionInput): DecisionView {
    const decided = this.db.$client.transaction(() => this.decideInTransaction(input))();
    queueMicrotask(this.onDecided);
    return decided;
  }

  /** Newest first, with skips and marks. */
  list(releaseId: string): DecisionView[] {
    this.verdicts.get(releaseId);
    return this.store.all(releaseId);
  }

  /** The approve, hold or rollback in force for the release, or for batch k of it; null when the engine's verdict stands. */
  current(releaseId: string, batch?: number): DecisionView | null {
    return this.store.inForce(releaseId, batch);
  }

  private decideInTransaction(input: DecisionInput): DecisionView {
    const release = this.verdicts.get(input.releaseId);
    const reason = checkFields(input);
    const rule = this.verdicts.ruleFor(release);
    const what = `${release.service} ${release.version} (${release.environment})`;
    checkBatch(release, input.batch, input.batch === undefined ? [] : this.store.batchesOf(release.latestDeployId));
    checkSignal(rule, input.signal);
    if (input.feedback) checkMark(release, input.feedback, this.store.mark(release.id, input.feedback), what);
    refuseSenseless(this.stateOf(release, input.batch), input, what);
    if (input.signal && this.store.hasSkipped(release.id, input.signal)) throw new AppError("CONFLICT", `Signal '${input.signal}' of ${what} was already set aside.`);
    const now = this.now();
    const row = {
      releaseId: release.id, action: input.action, reason, actor: input.actor, via: input.via, engineStatus: release.status,
      batch: input.batch ?? null, signal: input.signal ?? null, feedback: input.feedback ?? null, at: now,
    };
    const id = this.store.insert(row);
    const rollback = input.action === "rollback" ? this.requestRollback(release, rule, input.actor, reason, now) : null;
    if (input.action === "retry") this.verdicts.retry(release.id, now);
    if (input.action === "skip") this.verdicts.skipSignal(release.id, input.signal!, input.actor, now);
    const decision: DecisionView = { ...row, at: new Date(now).toISOString(), rollback };
    this.record(release, decision, now);
    this.outbox.enqueueDecision(this.verdicts.get(release.id), id, {
      action: decision.action, by: input.actor, at: decision.at, via: input.via, reason, batch: decision.batch, signal: decision.signal,
      feedback: decision.feedback, rollback, gate_status: DECIDED_STATUS[decision.action] ?? null,
      ...(input.slackUserId ? { slack_user_id: input.slackUserId } : {}),
    }, now);
    return decision;
  }

  private requestRollback(release: ReleaseRow, rule: Rule, actor: string, reason: string, now: number): RollbackOutcome {
    const trigger = { by: "decision" as const, actor, reason, status: "fail", summary: `Rollback requested by ${actor}: ${reason}` };
    const result = this.rollbacks.request(release, rule.name, rule.actions.rollback, trigger, now);
    if (result === "no_action") return notConfigured(rule.name);
    return { status: "requested", message: `deploy-guard is running the rollback of rule '${rule.name}'.` };
  }

  private record(release: ReleaseRow, d: DecisionView, now: number): void {
    const scope = d.batch === null ? "" : ` for batch ${d.batch}`;
    const extra = d.signal ? ` Signal '${d.signal}' set aside; the release is judged again without it.`
      : d.feedback ? ` The engine's ${release.status} is marked ${d.feedback}; the gate does not change.`
      : d.action === "retry" ? " The release is judged again with more data."
      : d.rollback && d.rollback.status !== "requested" ? ` ${d.rollback.message}` : "";
    this.audit.record("decision", release, d.actor, `${decisionHeadline(d)}${scope} via ${d.via}: "${d.reason}".${extra}`, {
      action: d.action, reason: d.reason, via: d.via, engine_status: release.status, gate_status: DECIDED_STATUS[d.action] ?? null,
      ...(d.batch !== null ? { batch: d.batch } : {}), ...(d.signal ? { signal: d.signal } : {}), ...(d.feedback ? { feedback: d.feedback } : {}),
      ...(d.rollback ? { rollback: d.rollback } : {}),
    }, now);
  }

  private stateOf(release: ReleaseRow, batch: number | undefined) {
    const wide = this.store.inForce(release.id);
    const toolRolledBack = release.latestDeployId !== null
      && (this.s.deployStatus.get(release.latestDeployId) as { status: string } | undefined)?.status === "rolled_back";
    const rolledBack = wide?.action === "rollback" ? `was marked for rollback by ${wide.actor} at ${wide.at}`
      : toolRolledBack ? "was rolled back by its deploy tool" : undefined;
    return { release, inForce: batch === undefined ? wide : this.store.inForce(release.id, batch), rolledBack, rollbackRequested: this.rollbacks.existing(release.id) };
  }
}
