import { AppError } from "../http/app-error.ts";
import type { NotificationOutbox } from "../notify/notification-outbox.ts";
import type { Rule } from "../rules/rule-schema.ts";
import { DECISION_ACTIONS, type ReleaseRow } from "../store/schema/index.ts";
import type { Statement, Store } from "../store/store.ts";
import type { AuditLog } from "./audit-log.ts";
import { checkBatch, checkFields, checkMark, checkSignal, refuseSenseless, type DecisionFields, type ReleaseState } from "./decision-checks.ts";
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
  get(id: string): Promise<ReleaseRow>;
  ruleFor(release: ReleaseRow): Rule;
  retry(releaseId: string, now: number): Promise<void>;
  skipSignal(releaseId: string, signal: string, actor: string, now: number): Promise<void>;
}

/**
 * The one verb for operators' decisions, whoever calls it. It records the decision and its audit entry, does what the
 * action asks (rollback request, re-judgement), and queues an update of every message already sent for the release,
 * all in one transaction, so nothing is claimed that was not done and nothing is sent twice.
 */
export class DecisionService {
  readonly records: DecisionStore;
  private readonly s: Record<"deployStatus", Statement<unknown>>;

  constructor(
    private readonly store: Store,
    private readonly verdicts: DecidableVerdicts,
    private readonly audit: AuditLog,
    private readonly rollbacks: RollbackRequests,
    private readonly outbox: NotificationOutbox,
    private readonly now: () => number = Date.now,
    private readonly onDecided: () => void = () => {},
  ) {
    this.records = new DecisionStore(store);
    this.s = { deployStatus: store.statement<unknown>("SELECT status FROM deploys WHERE id = ?") };
  }

  async decide(input: DecisionInput): Promise<DecisionView> {
    const decided = await this.store.write(() => this.decideInTransaction(input));
    queueMicrotask(this.onDecided);
    return decided;
  }

  /** Newest first, with skips and marks. */
  async list(releaseId: string): Promise<DecisionView[]> {
    await this.verdicts.get(releaseId);
    return this.records.all(releaseId);
  }

  /** The approve, hold or rollback in force for the release, or for batch k of it; null when the engine's verdict stands. */
  current(releaseId: string, batch?: number): Promise<DecisionView | null> {
    return this.records.inForce(releaseId, batch);
  }

  private async decideInTransaction(input: DecisionInput): Promise<DecisionView> {
    const release = await this.verdicts.get(input.releaseId);
    const reason = checkFields(input);
    const rule = this.verdicts.ruleFor(release);
    const what = `${release.service} ${release.version} (${release.environment})`;
    checkBatch(release, input.batch, input.batch === undefined ? [] : await this.records.batchesOf(release.latestDeployId));
    checkSignal(rule, input.signal);
    if (input.feedback) checkMark(release, input.feedback, await this.records.mark(release.id, input.feedback), what);
    refuseSenseless(await this.stateOf(release, input.batch), input, what);
    if (input.signal && (await this.records.hasSkipped(release.id, input.signal))) throw new AppError("CONFLICT", `Signal '${input.signal}' of ${what} was already set aside.`);
    const now = this.now();
    const row = {
      releaseId: release.id, action: input.action, reason, actor: input.actor, via: input.via, engineStatus: release.status,
      batch: input.batch ?? null, signal: input.signal ?? null, feedback: input.feedback ?? null, at: now,
    };
    const id = await this.records.insert(row);
    const rollback = input.action === "rollback" ? await this.requestRollback(release, rule, input.actor, reason, now) : null;
    if (input.action === "retry") await this.verdicts.retry(release.id, now);
    if (input.action === "skip") await this.verdicts.skipSignal(release.id, input.signal!, input.actor, now);
    const decision: DecisionView = { ...row, at: new Date(now).toISOString(), rollback };
    await this.record(release, decision, now);
    await this.outbox.enqueueDecision(await this.verdicts.get(release.id), id, {
      action: decision.action, by: input.actor, at: decision.at, via: input.via, reason, batch: decision.batch, signal: decision.signal,
      feedback: decision.feedback, rollback, gate_status: DECIDED_STATUS[decision.action] ?? null,
      ...(input.slackUserId ? { slack_user_id: input.slackUserId } : {}),
    }, now);
    return decision;
  }

  private async requestRollback(release: ReleaseRow, rule: Rule, actor: string, reason: string, now: number): Promise<RollbackOutcome> {
    const trigger = { by: "decision" as const, actor, reason, status: "fail", summary: `Rollback requested by ${actor}: ${reason}` };
    const result = await this.rollbacks.request(release, rule.name, rule.actions.rollback, trigger, now);
    if (result === "no_action") return notConfigured(rule.name);
    return { status: "requested", message: `deploy-guard is running the rollback of rule '${rule.name}'.` };
  }

  private async record(release: ReleaseRow, d: DecisionView, now: number): Promise<void> {
    const scope = d.batch === null ? "" : ` for batch ${d.batch}`;
    const extra = d.signal ? ` Signal '${d.signal}' set aside; the release is judged again without it.`
      : d.feedback ? ` The engine's ${release.status} is marked ${d.feedback}; the gate does not change.`
      : d.action === "retry" ? " The release is judged again with more data."
      : d.rollback && d.rollback.status !== "requested" ? ` ${d.rollback.message}` : "";
    await this.audit.record("decision", release, d.actor, `${decisionHeadline(d)}${scope} via ${d.via}: "${d.reason}".${extra}`, {
      action: d.action, reason: d.reason, via: d.via, engine_status: release.status, gate_status: DECIDED_STATUS[d.action] ?? null,
      ...(d.batch !== null ? { batch: d.batch } : {}), ...(d.signal ? { signal: d.signal } : {}), ...(d.feedback ? { feedback: d.feedback } : {}),
      ...(d.rollback ? { rollback: d.rollback } : {}),
    }, now);
  }

  private async stateOf(release: ReleaseRow, batch: number | undefined): Promise<ReleaseState> {
    const wide = await this.records.inForce(release.id);
    const toolRolledBack = release.latestDeployId !== null
      && ((await this.s.deployStatus.get(release.latestDeployId)) as { status: string } | undefined)?.status === "rolled_back";
    const rolledBack = wide?.action === "rollback" ? `was marked for rollback by ${wide.actor} at ${wide.at}`
      : toolRolledBack ? "was rolled back by its deploy tool" : undefined;
    const inForce = batch === undefined ? wide : await this.records.inForce(release.id, batch);
    return { release, inForce, rolledBack, rollbackRequested: await this.rollbacks.existing(release.id) };
  }
}
