import type { Statement } from "better-sqlite3";
import type { Logger } from "pino";
import { backoffMs } from "../notify/notification-dispatcher.ts";
import type { RollbackAction } from "../rules/rule-schema.ts";
import type { Db } from "../store/db.ts";
import type { AuditLog } from "./audit-log.ts";
import { commandEnv, type RollbackPayload } from "./rollback-payload.ts";
import { describeTarget } from "./rollback-requests.ts";
import { postRollbackWebhook, runRollbackCommand, type AttemptOutcome } from "./rollback-targets.ts";

interface DueRollback {
  releaseId: string;
  action: string;
  payload: string;
  attempts: number;
}

/**
 * Works through the rollback outbox apart from verdicts, so a slow or dead target delays nothing else. Each attempt
 * is claimed first (attempts + 1 and a lease), so a re-run of the job never starts the same attempt twice.
 */
export class RollbackRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly s: Record<"due" | "claim" | "done", Statement>;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly secret: string | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly baseEnv: Record<string, string> = {},
  ) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      due: p("SELECT release_id AS releaseId, action, payload, attempts FROM rollbacks WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 20"),
      claim: p("UPDATE rollbacks SET attempts = ?, next_attempt_at = ? WHERE release_id = ? AND status = 'pending' AND attempts = ?"),
      done: p("UPDATE rollbacks SET status = ?, next_attempt_at = ?, last_error = ?, finished_at = ? WHERE release_id = ?"),
    };
  }

  /** Runs every due rollback; calls queue behind one another, so runs never overlap. */
  runDue(): Promise<number> {
    const run = this.chain.then(() => this.runOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runOnce(): Promise<number> {
    const due = this.s.due.all(this.now()) as DueRollback[];
    await Promise.all(due.map((r) => this.attempt(r)));
    return due.length;
  }

  private async attempt(row: DueRollback): Promise<void> {
    const action = JSON.parse(row.action) as RollbackAction;
    const payload = JSON.parse(row.payload) as RollbackPayload;
    const attempt = row.attempts + 1;
    const started = this.now();
    const lease = started + action.timeout_seconds * 1000 + 60_000;
    if (this.s.claim.run(attempt, lease, row.releaseId, row.attempts).changes !== 1) return;
    const outcome = await this.execute(action, payload, attempt).catch((err: unknown): AttemptOutcome => ({ ok: false, retryable: true, detail: (err as Error).message }));
    this.record(row.releaseId, action, payload, attempt, outcome, started);
  }

  private execute(action: RollbackAction, payload: RollbackPayload, attempt: number): Promise<AttemptOutcome> {
    const timeoutMs = action.timeout_seconds * 1000;
    if (action.command) return runRollbackCommand(action.command, commandEnv(payload, attempt, this.baseEnv), timeoutMs);
    if (!action.webhook) return Promise.resolve({ ok: false, retryable: false, detail: "the rollback action has neither webhook nor command" });
    if (!this.secret) return Promise.resolve({ ok: false, retryable: false, detail: "DEPLOY_GUARD_ROLLBACK_SECRET is not set, so the webhook cannot be signed" });
    return postRollbackWebhook(action.webhook.url, this.secret, payload, attempt, timeoutMs, this.now());
  }

  private record(releaseId: string, action: RollbackAction, payload: RollbackPayload, attempt: number, outcome: AttemptOutcome, started: number): void {
    const now = this.now();
    const giveUp = !outcome.ok && (!outcome.retryable || attempt >= action.max_attempts);
    const status = outcome.ok ? "succeeded" : giveUp ? "failed" : "pending";
    const next = status === "pending" ? now + backoffMs(attempt) : now;
    const target = describeTarget(action);
    const result = outcome.ok ? "succeeded" : giveUp ? `failed (${outcome.detail}); giving up` : `failed (${outcome.detail}); retrying at ${new Date(next).toISOString()}`;
    const release = { id: payload.release_id, service: payload.service, environment: payload.environment, version: payload.version };
    this.db.$client.transaction(() => {
      this.s.done.run(status, next, outcome.ok ? null : outcome.detail, status === "pending" ? null : now, releaseId);
      this.audit.record("rollback_attempt", release, "deploy-guard", `Rollback attempt ${attempt} of ${action.max_attempts} via ${target}: ${result}.`, {
        attempt, max_attempts: action.max_attempts, outcome: outcome.ok ? "succeeded" : "failed", status, target, detail: outcome.detail,
        http_status: outcome.http_status ?? null, exit_code: outcome.exit_code ?? null, signal: outcome.signal ?? null,
        output_tail: outcome.output_tail ?? "", duration_ms: now - started,
      }, now);
    })();
    const log = { release: releaseId, attempt, status, detail: outcome.detail };
    if (outcome.ok) this.logger.info(log, "rollback done");
    else this.logger.warn(log, "rollback attempt failed");
  }
}
