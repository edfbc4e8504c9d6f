import type { Logger } from "pino";
import { backoffMs } from "../notify/notification-dispatcher.ts";
import { OutsideWrite } from "../notify/outside-write.ts";
import type { RollbackAction } from "../rules/rule-schema.ts";
import { EffectAttemptStore } from "../store/effect-attempt-store.ts";
import type { EffectAttemptRow } from "../store/schema/index.ts";
import type { Statement, Store } from "../store/store.ts";
import type { AuditLog, AuditRelease } from "./audit-log.ts";
import { commandEnv, type RollbackPayload } from "./rollback-payload.ts";
import { describeTarget } from "./rollback-requests.ts";
import { postRollbackWebhook, runRollbackCommand, type AttemptOutcome } from "./rollback-targets.ts";

interface DueRollback {
  releaseId: string;
  action: string;
  payload: string;
  attempts: number;
}

const ATTEMPT_LEASE_MARGIN_MS = 15_000;

/** Tells a person that a rollback may or may not have run (an alert through the outbox, queued in the caller's write). */
export type UnknownRollbackAlert = (release: AuditRelease, message: string, now: number) => Promise<void> | void;

/**
 * Works through the rollback outbox apart from verdicts, so a slow or dead target delays nothing else. Each attempt
 * is claimed and recorded 'started' in one commit before it runs; one cut off by a crash is never run again blindly:
 * the rollback becomes 'unknown' and a person is alerted to check it and retry it or mark it done.
 */
export class RollbackRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly s: Record<"due" | "claim" | "done" | "one" | "unknown", Statement<unknown>>;
  private readonly attempts: EffectAttemptStore;
  private readonly outside: OutsideWrite;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly secret: string | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly baseEnv: Record<string, string> = {},
    private readonly alertPerson: UnknownRollbackAlert = () => {},
    replicaId?: string,
  ) {
    this.attempts = new EffectAttemptStore(store, replicaId);
    this.outside = new OutsideWrite(store);
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      due: p(`SELECT release_id AS "releaseId", action, payload, attempts FROM rollbacks WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 20`),
      claim: p("UPDATE rollbacks SET status = 'running', attempts = ?, next_attempt_at = ? WHERE release_id = ? AND status = 'pending' AND attempts = ?"),
      done: p("UPDATE rollbacks SET status = ?, next_attempt_at = ?, last_error = ?, finished_at = ? WHERE release_id = ?"),
      one: p("SELECT payload, action, status FROM rollbacks WHERE release_id = ?"),
      unknown: p("UPDATE rollbacks SET status = 'unknown', last_error = ? WHERE release_id = ? AND status = 'running'"),
    };
  }

  /**
   * Runs every due rollback; calls queue behind one another, so runs never overlap. A call made inside a write (the
   * kick of a rollback request) runs after that write commits, so nothing runs before its request is stored.
   */
  runDue(): Promise<number> {
    if (this.store.inWrite()) return this.outside.run(() => this.runDue());
    const run = this.chain.then(() => this.runOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Attempts of this rollback, oldest first: started, succeeded, failed or unknown. */
  attemptsOf(releaseId: string): Promise<EffectAttemptRow[]> {
    return this.attempts.ofSubject("rollback", releaseId);
  }

  /** Rollbacks this replica has claimed and not finished (/readyz). */
  get claimsInFlight(): number {
    return this.attempts.inFlight;
  }

  /**
   * Claims and launches one rollback at a time, then waits for them together: a claim commits only just before its
   * own launch, so a crash leaves at most the one being launched 'unknown', never a batch of claimed, unstarted ones.
   */
  private async runOnce(): Promise<number> {
    await this.settleOrphans();
    const due = (await this.s.due.all(this.now())) as DueRollback[];
    const running: Promise<void>[] = [];
    for (const row of due) {
      const launched = await this.launch(row);
      if (launched) running.push(launched);
    }
    await Promise.all(running);
    return due.length;
  }

  /** An attempt a dead process left running: its command may have run, so it is not retried; a person decides. */
  private async settleOrphans(): Promise<void> {
    for (const o of await this.attempts.orphans("rollback", this.now())) {
      const row = (await this.s.one.get(o.subject)) as { payload: string; action: string; status: string } | undefined;
      if (!row) continue;
      const payload = JSON.parse(row.payload) as RollbackPayload;
      const release = { id: payload.release_id, service: payload.service, environment: payload.environment, version: payload.version };
      const target = describeTarget(JSON.parse(row.action) as RollbackAction);
      const message = `Rollback of ${payload.service} ${payload.version} (${payload.environment}) may or may not have run: deploy-guard stopped during attempt ${o.attempt} via ${target}, started ${new Date(o.startedAt).toISOString()}. It will not be retried on its own; check the service, then retry the rollback or mark it done.`;
      const now = this.now();
      await this.store.write(async () => {
        await this.s.unknown.run("the process stopped during the attempt; its fate is unknown", o.subject);
        await this.audit.record("rollback_unknown", release, "deploy-guard", message, { attempt: o.attempt, target, started_at: new Date(o.startedAt).toISOString(), status: "unknown" }, now);
        await this.alertPerson(release, message, now);
      });
      this.logger.error({ release: o.subject, attempt: o.attempt }, "a rollback attempt was cut off by a restart; its fate is unknown and a person has been alerted");
    }
  }

  /** Claims the rollback and starts it; resolves once it is launched, to its completion (undefined: claim lost). */
  private async launch(row: DueRollback): Promise<Promise<void> | undefined> {
    const action = JSON.parse(row.action) as RollbackAction;
    const payload = JSON.parse(row.payload) as RollbackPayload;
    const attempt = row.attempts + 1;
    const started = this.now();
    // The claim and the 'started' record commit together before the rollback runs; a lost claim runs nothing. The
    // conditional UPDATE is the claim: of replicas reading the same due row, only one changes it.
    // The attempt's lease outlasts the target's own timeout, so another replica declares it dead only after that.
    const lease = action.timeout_seconds * 1000 + ATTEMPT_LEASE_MARGIN_MS;
    const claimed = await this.store.write(async () => {
      if ((await this.s.claim.run(attempt, started, row.releaseId, row.attempts)) !== 1) return undefined;
      return this.attempts.start("rollback", row.releaseId, `rollback-${row.releaseId}`, started, lease);
    });
    if (!claimed) return undefined;
    const running = this.execute(action, payload, attempt).catch((err: unknown): AttemptOutcome => ({ ok: false, retryable: true, detail: (err as Error).message }));
    return running.then((outcome) => this.record(row.releaseId, action, payload, attempt, outcome, started, claimed.id));
  }

  private execute(action: RollbackAction, payload: RollbackPayload, attempt: number): Promise<AttemptOutcome> {
    const timeoutMs = action.timeout_seconds * 1000;
    if (action.command) return runRollbackCommand(action.command, commandEnv(payload, attempt, this.baseEnv), timeoutMs);
    if (!action.webhook) return Promise.resolve({ ok: false, retryable: false, detail: "the rollback action has neither webhook nor command" });
    if (!this.secret) return Promise.resolve({ ok: false, retryable: false, detail: "DEPLOY_GUARD_ROLLBACK_SECRET is not set, so the webhook cannot be signed" });
    return postRollbackWebhook(action.webhook.url, this.secret, payload, attempt, timeoutMs, this.now());
  }

  private async record(releaseId: string, action: RollbackAction, payload: RollbackPayload, attempt: number, outcome: AttemptOutcome, started: number, attemptId: number): Promise<void> {
    const now = this.now();
    const giveUp = !outcome.ok && (!outcome.retryable || attempt >= action.max_attempts);
    const status = outcome.ok ? "succeeded" : giveUp ? "failed" : "pending";
    const next = status === "pending" ? now + backoffMs(attempt) : now;
    const target = describeTarget(action);
    const result = outcome.ok ? "succeeded" : giveUp ? `failed (${outcome.detail}); giving up` : `failed (${outcome.detail}); retrying at ${new Date(next).toISOString()}`;
    const release = { id: payload.release_id, service: payload.service, environment: payload.environment, version: payload.version };
    await this.store.write(async () => {
      await this.s.done.run(status, next, outcome.ok ? null : outcome.detail, status === "pending" ? null : now, releaseId);
      await this.attempts.finish(attemptId, outcome.ok ? "succeeded" : "failed", outcome.ok ? null : outcome.detail, now);
      await this.audit.record("rollback_attempt", release, "deploy-guard", `Rollback attempt ${attempt} of ${action.max_attempts} via ${target}: ${result}.`, {
        attempt, max_attempts: action.max_attempts, outcome: outcome.ok ? "succeeded" : "failed", status, target, detail: outcome.detail,
        http_status: outcome.http_status ?? null, exit_code: outcome.exit_code ?? null, signal: outcome.signal ?? null,
        output_tail: outcome.output_tail ?? "", duration_ms: now - started,
      }, now);
    });
    const log = { release: releaseId, attempt, status, detail: outcome.detail };
    if (outcome.ok) this.logger.info(log, "rollback done");
    else this.logger.warn(log, "rollback attempt failed");
  }
}
