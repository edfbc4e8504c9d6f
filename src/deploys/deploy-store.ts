import type { Statement, Store } from "../store/store.ts";
import type { DeployPhase } from "../store/schema/index.ts";
import type { ReleaseWindows } from "../verdicts/release-windows.ts";
import type { StoredDeployEvent } from "./event-identity.ts";

export interface ReleaseRef {
  id: string;
  service: string;
  environment: string;
  ruleName: string | null;
  latestDeployId: string | null;
  commit: string | null;
  url: string | null;
}

export interface DeployRef {
  id: string;
  status: DeployPhase;
  startedAt: number;
  hosts: string | null;
  tool: string | null;
}

/**
 * The deploy-event write path as prepared statements: a deploy event runs about eight of them, and building each
 * through the query builder cost more than SQLite itself (see bench/throughput-bench.ts).
 */
export class DeployStore {
  private readonly s: Record<string, Statement<unknown>>;

  constructor(store: Store) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      event: p(`SELECT event_id AS "eventId", release_id AS "releaseId", deploy_id AS "deployId", phase, timestamp, received_at AS "receivedAt", payload
        FROM deploy_events WHERE event_id = ?`),
      // Locked for the rest of the deploy event's write (PostgreSQL; SQLite has one writer): a replica recording a final
      // verdict on this release meanwhile is either committed before (and read as decided) or waits for this event.
      release: p(`SELECT id, service, environment, rule_name AS "ruleName", latest_deploy_id AS "latestDeployId", "commit", url
        FROM releases WHERE service = ? AND environment = ? AND version = ?${store.dialect === "postgres" ? " FOR UPDATE" : ""}`),
      insertRelease: p(`INSERT INTO releases (id, service, environment, version, status, rule_name, "commit", url, consecutive_failures, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, 0, ?, ?)`),
      deploy: p(`SELECT id, status, started_at AS "startedAt", hosts, tool FROM deploys WHERE id = ?`),
      openDeploy: p(`SELECT id, status, started_at AS "startedAt", hosts, tool FROM deploys WHERE release_id = ? AND status = 'started' ORDER BY started_at DESC LIMIT 1`),
      latestDeploy: p(`SELECT id, status, started_at AS "startedAt", hosts, tool FROM deploys WHERE release_id = ? ORDER BY started_at DESC, created_at DESC LIMIT 1`),
      insertDeploy: p(`INSERT INTO deploys (id, release_id, status, tool, url, "commit", hosts, batch_total, started_at, created_at)
        VALUES (?, ?, 'started', ?, ?, ?, ?, ?, ?, ?)`),
      deployStarted: p("UPDATE deploys SET started_at = ?, hosts = ? WHERE id = ?"),
      deployEnded: p("UPDATE deploys SET status = ?, finished_at = ? WHERE id = ?"),
      resetRelease: p(`UPDATE releases SET status = 'pending', latest_deploy_id = ?, deploy_started_at = ?, deploy_finished_at = NULL,
        baseline_start = NULL, baseline_end = NULL, analysis_start = NULL, analysis_end = NULL, next_check_at = NULL,
        consecutive_failures = 0, score = NULL, summary = NULL, verdict = NULL, decided_at = NULL, updated_at = ?,
        "commit" = coalesce(?, "commit"), url = coalesce(?, url) WHERE id = ?`),
      startAnalysis: p(`UPDATE releases SET status = 'analyzing', rule_name = ?, latest_deploy_id = ?, deploy_started_at = ?, deploy_finished_at = ?,
        baseline_start = ?, baseline_end = ?, analysis_start = ?, analysis_end = ?, next_check_at = ?, consecutive_failures = 0, updated_at = ?
        WHERE id = ?`),
      batch: p(`INSERT INTO deploy_batches (deploy_id, batch_index, batch_total, status, hosts, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (deploy_id, batch_index) DO UPDATE SET status = excluded.status, hosts = coalesce(excluded.hosts, deploy_batches.hosts),
          finished_at = coalesce(excluded.finished_at, deploy_batches.finished_at)`),
      startBatchVerdict: p(`UPDATE deploy_batches SET verdict_status = 'analyzing', window_start = ?, window_end = ?, next_check_at = ?,
        verdict = NULL, score = NULL, decided_at = NULL WHERE deploy_id = ? AND batch_index = ?`),
      insertEvent: p("INSERT INTO deploy_events (event_id, release_id, deploy_id, phase, timestamp, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    };
  }

  /** The stored event with this id, payload included, so a re-used id can be told from a re-send. */
  async event(eventId: string): Promise<StoredDeployEvent | undefined> {
    return (await this.s.event!.get(eventId)) as StoredDeployEvent | undefined;
  }

  async release(service: string, environment: string, version: string): Promise<ReleaseRef | undefined> {
    return (await this.s.release!.get(service, environment, version)) as ReleaseRef | undefined;
  }

  async insertRelease(r: ReleaseRef & { version: string }, now: number): Promise<void> {
    await this.s.insertRelease!.run(r.id, r.service, r.environment, r.version, r.ruleName, r.commit, r.url, now, now);
  }

  async deploy(id: string): Promise<DeployRef | undefined> {
    return (await this.s.deploy!.get(id)) as DeployRef | undefined;
  }

  async openDeploy(releaseId: string): Promise<DeployRef | undefined> {
    return (await this.s.openDeploy!.get(releaseId)) as DeployRef | undefined;
  }

  async latestDeploy(releaseId: string): Promise<DeployRef | undefined> {
    return (await this.s.latestDeploy!.get(releaseId)) as DeployRef | undefined;
  }

  async insertDeploy(d: { id: string; releaseId: string; tool?: string | undefined; url?: string | undefined; commit?: string | undefined; hosts?: string[] | undefined; batchTotal?: number | undefined; startedAt: number }, now: number): Promise<DeployRef> {
    const hosts = d.hosts ? JSON.stringify(d.hosts) : null;
    await this.s.insertDeploy!.run(d.id, d.releaseId, d.tool ?? null, d.url ?? null, d.commit ?? null, hosts, d.batchTotal ?? null, d.startedAt, now);
    return { id: d.id, status: "started", startedAt: d.startedAt, hosts, tool: d.tool ?? null };
  }

  async markDeployStarted(id: string, startedAt: number, hosts: string[] | undefined, previousHosts: string | null): Promise<void> {
    await this.s.deployStarted!.run(startedAt, hosts ? JSON.stringify(hosts) : previousHosts, id);
  }

  async markDeployEnded(id: string, status: DeployPhase, at: number): Promise<void> {
    await this.s.deployEnded!.run(status, at, id);
  }

  async resetRelease(releaseId: string, deployId: string, startedAt: number, commit: string | undefined, url: string | undefined, now: number): Promise<void> {
    await this.s.resetRelease!.run(deployId, startedAt, now, commit ?? null, url ?? null, releaseId);
  }

  async startAnalysis(releaseId: string, a: { ruleName: string; deployId: string; startedAt: number; finishedAt: number; windows: ReleaseWindows; nextCheckAt: number }, now: number): Promise<void> {
    const w = a.windows;
    await this.s.startAnalysis!.run(a.ruleName, a.deployId, a.startedAt, a.finishedAt, w.baselineStart, w.baselineEnd, w.analysisStart, w.analysisEnd, a.nextCheckAt, now, releaseId);
  }

  async upsertBatch(deployId: string, b: { index: number; total: number; hosts?: string[] | undefined }, status: DeployPhase, at: number): Promise<void> {
    const finished = status !== "started";
    await this.s.batch!.run(deployId, b.index, b.total, status, b.hosts ? JSON.stringify(b.hosts) : null, at, finished ? at : null);
  }

  async startBatchVerdict(deployId: string, index: number, windowStart: number, windowEnd: number, nextCheckAt: number): Promise<void> {
    await this.s.startBatchVerdict!.run(windowStart, windowEnd, nextCheckAt, deployId, index);
  }

  async insertEvent(e: { eventId: string; releaseId: string; deployId: string; phase: DeployPhase; timestamp: number; receivedAt: number; payload: unknown }): Promise<void> {
    await this.s.insertEvent!.run(e.eventId, e.releaseId, e.deployId, e.phase, e.timestamp, e.receivedAt, JSON.stringify(e.payload));
  }
}
