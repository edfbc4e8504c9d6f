import type { Logger } from "pino";
import { AppError } from "../../http/app-error.ts";
import { backoffMs } from "../../notify/notification-dispatcher.ts";
import { DeliveryError } from "../../notify/notifier.ts";
import type { GithubProtectionAnswerRow } from "../../store/schema/index.ts";
import type { GithubApi } from "./github-api.ts";
import type { GithubStore } from "./github-store.ts";

/** The pre-deploy gate as GitHub needs it: may this service deploy to this environment now? */
export interface DeployGate {
  check(service: string, environment: string): { status: "pass" | "hold"; reason: string } | Promise<{ status: "pass" | "hold"; reason: string }>;
}

export interface ProtectionRequest {
  deploymentId: number;
  service: string;
  environment: string;
  callbackUrl: string;
}

const MAX_ATTEMPTS = 6;
const MAX_COMMENT = 1000;
// The first delivery runs at once; the schedule takes the row over only if that attempt never recorded its outcome.
const FIRST_TRY_LEASE_MS = 60_000;

/**
 * Answers deployment protection rules: asks the pre-deploy gate, stores the answer, then posts it to the callback URL.
 * Delivery is retried from the stored row with backoff (MAX_ATTEMPTS), so a restart loses no answer once decided.
 */
export class GithubProtection {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly api: GithubApi,
    private readonly store: GithubStore,
    private readonly gate: DeployGate,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks the callback URL at once (the webhook is refused otherwise); decides and answers in the background. */
  request(r: ProtectionRequest): void {
    if (!this.api.callbackUrl(r.callbackUrl)) {
      throw new AppError("VALIDATION_FAILED", "The protection rule's callback URL is not on the configured GitHub API host (DEPLOY_GUARD_GITHUB_API_URL)", [
        { path: "deployment_callback_url", message: "must be on the host of DEPLOY_GUARD_GITHUB_API_URL" },
      ]);
    }
    this.track(this.decide(r));
  }

  /** Retries answers whose delivery failed; run by the schedule. */
  async deliverDue(): Promise<number> {
    const due = await this.store.dueAnswers(this.now());
    await Promise.all(due.map((a) => this.deliver(a)));
    return due.length;
  }

  /** Resolves when every answer started so far has been tried once; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async decide(r: ProtectionRequest): Promise<void> {
    try {
      const verdict = await this.gate.check(r.service, r.environment);
      const state = verdict.status === "pass" ? "approved" : "rejected";
      const comment = `deploy-guard: ${verdict.reason}`.slice(0, MAX_COMMENT);
      const row = await this.store.addAnswer({ deploymentId: r.deploymentId, callbackUrl: r.callbackUrl, service: r.service, environment: r.environment, state, comment }, this.now(), this.now() + FIRST_TRY_LEASE_MS);
      if (!row) return;
      this.logger.info({ deployment: r.deploymentId, service: r.service, environment: r.environment, state }, "protection rule decided");
      await this.deliver(row);
    } catch (err) {
      this.logger.error({ err, deployment: r.deploymentId }, "protection rule could not be decided; GitHub keeps the deployment waiting");
    }
  }

  private async deliver(a: GithubProtectionAnswerRow): Promise<void> {
    const attempt = a.attempts + 1;
    try {
      await this.api.reviewProtectionRule(a.callbackUrl, { environment_name: a.environment, state: a.state, comment: a.comment });
      await this.store.answerSent(a.id, attempt, this.now());
      this.logger.info({ answer: a.id, deployment: a.deploymentId, state: a.state }, "protection rule answered");
    } catch (err) {
      const retryable = !(err instanceof DeliveryError) || err.retryable;
      // Whole milliseconds: the jittered backoff is fractional, and PostgreSQL keeps times in bigint.
      const next = retryable && attempt < MAX_ATTEMPTS ? this.now() + Math.round(backoffMs(attempt)) : undefined;
      await this.store.answerFailed(a.id, attempt, (err as Error).message, next);
      this.logger.warn({ answer: a.id, deployment: a.deploymentId, attempt, giveUp: next === undefined, error: (err as Error).message }, "protection rule answer not delivered");
    }
  }
}
