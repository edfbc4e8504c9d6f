import type { Logger } from "pino";
import type { Store } from "../../store/store.ts";
import type { GithubApi } from "./github-api.ts";
import type { GithubDeployment } from "./github-payload.ts";
import { GithubProtection, type DeployGate, type ProtectionRequest } from "./github-protection.ts";
import { GithubStatusSync } from "./github-status-sync.ts";
import { GithubStore } from "./github-store.ts";

/** What the GitHub webhook adapter tells the rest of the guard, beyond the deploy events it returns. */
export interface GithubHooks {
  remember(d: GithubDeployment): Promise<void>;
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
    store: Store,
    gate: DeployGate,
    logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly onQueued: () => void = () => {},
  ) {
    this.store = new GithubStore(store);
    this.protection = new GithubProtection(api, this.store, gate, logger, now);
    this.statuses = new GithubStatusSync(store, this.store, now);
  }

  async remember(d: GithubDeployment): Promise<void> {
    await this.store.remember(d, this.now());
  }

  protectionRequested(r: ProtectionRequest): void {
    this.protection.request(r);
  }

  /** One scheduled pass: queue status changes into the outbox, retry undelivered protection answers. */
  async tick(): Promise<number> {
    const queued = await this.statuses.queueChanges();
    if (queued > 0) this.onQueued();
    return queued + (await this.protection.deliverDue());
  }
}
