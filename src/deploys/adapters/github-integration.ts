import type { Logger } from "pino";
import type { Db } from "../../store/db.ts";
import type { GithubApi } from "./github-api.ts";
import type { GithubDeployment } from "./github-payload.ts";
import { GithubProtection, type DeployGate, type ProtectionRequest } from "./github-protection.ts";
import { GithubStatusSync } from "./github-status-sync.ts";
import { GithubStore } from "./github-store.ts";

/** What the GitHub webhook adapter tells the rest of the guard, beyond the deploy events it returns. */
export interface GithubHooks {
  remember(d: GithubDeployment): void;
  protectionRequested(r: ProtectionRequest): void;
}

/**
 * Everything that talks back to GitHub but the status notifier (which the dispatcher owns); exists only when
 * DEPLOY_GUARD_GITHUB_TOKEN is set.
 */
export class GithubIntegration implements GithubHooks {
  readonly protection: GithubProtection;
  private readonly store: GithubStore;
  private readonly statuses: GithubStatusSync;

  constructor(
    api: GithubApi,
    db: Db,
    gate: DeployGate,
    logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly onQueued: () => void = () => {},
  ) {
    this.store = new GithubStore(db);
    this.protection = new GithubProtection(api, this.store, gate, logger, now);
    this.statuses = new GithubStatusSync(db, this.store, now);
  }

  remember(d: GithubDeployment): void {
    this.store.remember(d, this.now());
  }

  protectionRequested(r: ProtectionRequest): void {
    this.protection.request(r);
  }

  /** One scheduled pass: queue status changes into the outbox, retry undelivered protection answers. */
  async tick(): Promise<number> {
    const queued = this.statuses.queueChanges();
    if (queued > 0) this.onQueued();
    return queued + (await this.protection.deliverDue());
  }
}
