import { PAYLOAD_VERSION } from "../../notify/notification-payload.ts";
import type { GithubTarget } from "../../notify/github-status-notifier.ts";
import type { Statement, Store } from "../../store/store.ts";
import type { GithubStore, StatusChange } from "./github-store.ts";

/**
 * Queues a deployment status in the outbox (channel "github") whenever a GitHub-started release changes state.
 * Polling the release state, rather than hooking the verdict path, reaches every change (analyzing, a verdict, an
 * operator's decision) whatever the rule's notify settings, and a slow GitHub can never hold a verdict back.
 */
export class GithubStatusSync {
  private readonly insert: Statement<unknown>;

  constructor(
    private readonly store: Store,
    private readonly github: GithubStore,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = store.statement(
      "INSERT INTO notifications (release_id, channel, payload, status, attempts, next_attempt_at, created_at) VALUES (?, 'github', ?, 'pending', 0, ?, ?)",
    );
  }

  /** Returns how many statuses it queued. */
  async queueChanges(): Promise<number> {
    const now = this.now();
    return this.store.write(async () => {
      const changes = await this.github.statusChanges();
      for (const change of changes) {
        await this.insert.run(change.release.id, JSON.stringify(payloadOf(change, now)), now, now);
        await this.github.markQueued(change.deploymentId, change.state, now);
      }
      return changes.length;
    });
  }
}

function payloadOf(c: StatusChange, now: number) {
  const r = c.release;
  const github: GithubTarget = { owner: c.owner, repo: c.repo, deployment_id: c.deploymentId, environment: c.environment };
  return {
    type: "verdict", schema_version: PAYLOAD_VERSION,
    release_id: r.id, service: r.service, environment: r.environment, version: r.version,
    status: r.status, score: r.score, summary: r.summary ?? "", reasons: [], checks: [],
    decided_at: new Date(now).toISOString(),
    github,
  };
}
