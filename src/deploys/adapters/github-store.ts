import { and, eq, lte } from "drizzle-orm";
import { DECIDED_STATUS, DONE, type DecisionAction } from "../../decisions/decision-overlay.ts";
import type { ReleaseStatus } from "../../store/schema/index.ts";
import { githubDeployments, githubProtectionAnswers, type GithubProtectionAnswerRow } from "../../store/schema/index.ts";
import { first, type Statement, type Store } from "../../store/store.ts";
import type { GithubDeployment } from "./github-payload.ts";

const STATE = "(r.status || '|' || coalesce(CAST(x.id AS TEXT), ''))";

export const githubDeployId = (deploymentId: number) => `github-${deploymentId}`;

/** A judged release whose GitHub deployment has not yet been told its latest state. */
export interface StatusChange {
  deploymentId: number;
  /** The engine's status and the latest decision's id: what markQueued records once it is queued. */
  state: string;
  owner: string;
  repo: string;
  environment: string;
  release: { id: string; service: string; environment: string; version: string; status: ReleaseStatus; score: number | null; summary: string | null };
}

type ChangeRow = { deploymentId: number; owner: string; repo: string; ghEnvironment: string; state: string; action: DecisionAction | null; actor: string | null; reason: string | null }
  & Omit<StatusChange["release"], "summary"> & { summary: string | null };

export interface NewProtectionAnswer {
  deploymentId: number;
  callbackUrl: string;
  service: string;
  environment: string;
  state: "approved" | "rejected";
  comment: string;
}

/** The guard's memory of GitHub: which deploy is which deployment, and the protection-rule answers it owes. */
export class GithubStore {
  private readonly s: { changes: Statement<ChangeRow> };

  constructor(private readonly store: Store) {
    this.s = {
      changes: store.statement<ChangeRow>(`
        SELECT g.deployment_id AS "deploymentId", g.owner, g.repo, g.environment AS "ghEnvironment", ${STATE} AS state,
          r.id, r.service, r.environment, r.version, r.status, r.score, r.summary, x.action, x.actor, x.reason
        FROM github_deployments g
        JOIN deploys d ON d.id = g.deploy_id AND d.status = 'finished'
        JOIN releases r ON r.id = d.release_id AND r.latest_deploy_id = g.deploy_id
        -- The gate's decision only: a retry hands the gate back to the engine; skips, marks and batch decisions do not move it.
        LEFT JOIN release_decisions x ON x.id = (SELECT max(id) FROM release_decisions WHERE release_id = r.id AND batch_index IS NULL
          AND action IN ('approve', 'hold', 'rollback', 'retry'))
        WHERE (r.status IN ('analyzing', 'pass', 'warn', 'fail', 'hold') OR x.id IS NOT NULL) AND ${STATE} IS DISTINCT FROM g.posted_status
        ORDER BY g.deployment_id LIMIT 100`),
    };
  }

  async remember(d: GithubDeployment, now: number): Promise<void> {
    await this.store.db.insert(githubDeployments)
      .values({ deploymentId: d.id, owner: d.owner, repo: d.repo, environment: d.environment, deployId: githubDeployId(d.id), createdAt: now, updatedAt: now })
      .onConflictDoNothing();
  }

  /**
   * Deploys that finished (the tool's own failures are already known to GitHub) and are their release's latest, whose
   * state (an operator's latest decision over the engine's status) differs from the one last queued.
   */
  async statusChanges(): Promise<StatusChange[]> {
    return (await this.s.changes.all()).map((row) => {
      const decided = row.action ? DECIDED_STATUS[row.action] : undefined;
      const summary = decided ? `${DONE[row.action!]} by ${row.actor}: ${row.reason}` : row.summary;
      return {
        deploymentId: row.deploymentId, owner: row.owner, repo: row.repo, environment: row.ghEnvironment, state: row.state,
        release: { id: row.id, service: row.service, environment: row.environment, version: row.version, status: decided ?? row.status, score: row.score, summary },
      };
    });
  }

  async markQueued(deploymentId: number, state: string, now: number): Promise<void> {
    await this.store.db.update(githubDeployments).set({ postedStatus: state, updatedAt: now }).where(eq(githubDeployments.deploymentId, deploymentId));
  }

  /** Stores a decision once per callback URL (a re-sent webhook gets undefined); the schedule retries it from retryFrom. */
  addAnswer(a: NewProtectionAnswer, now: number, retryFrom: number): Promise<GithubProtectionAnswerRow | undefined> {
    return first(this.store.db.insert(githubProtectionAnswers)
      .values({ ...a, delivery: "pending", attempts: 0, nextAttemptAt: retryFrom, requestedAt: now })
      .onConflictDoNothing().returning());
  }

  answer(id: number): Promise<GithubProtectionAnswerRow | undefined> {
    return first(this.store.db.select().from(githubProtectionAnswers).where(eq(githubProtectionAnswers.id, id)).limit(1));
  }

  async dueAnswers(now: number): Promise<GithubProtectionAnswerRow[]> {
    return this.store.db.select().from(githubProtectionAnswers)
      .where(and(eq(githubProtectionAnswers.delivery, "pending"), lte(githubProtectionAnswers.nextAttemptAt, now)))
      .orderBy(githubProtectionAnswers.id).limit(50);
  }

  async answerSent(id: number, attempts: number, now: number): Promise<void> {
    await this.store.db.update(githubProtectionAnswers).set({ delivery: "sent", attempts, sentAt: now, lastError: null }).where(eq(githubProtectionAnswers.id, id));
  }

  async answerFailed(id: number, attempts: number, error: string, nextAttemptAt: number | undefined): Promise<void> {
    await this.store.db.update(githubProtectionAnswers)
      .set({ delivery: nextAttemptAt === undefined ? "failed" : "pending", attempts, lastError: error, ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }) })
      .where(eq(githubProtectionAnswers.id, id));
  }
}
