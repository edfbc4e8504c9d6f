import type { Rule } from "../rules/rule-schema.ts";
import type { Statement, Store } from "../store/store.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowQuery } from "../telemetry/window-reader.ts";
import { floorMinute } from "./release-windows.ts";

const HOUR = 3600_000;
const WEEK = 7 * 24 * HOUR;

export type WindowSpec = Omit<WindowQuery, "service" | "environment" | "routeLike">;

export type PairedWindows =
  /** `pooled`: previous_release with count > 1, the start of each good release's window, newest first. */
  | { kind: "ok"; baseline: WindowSpec; candidate: WindowSpec; label: string; pooled?: number[] }
  | { kind: "missing"; why: string; candidate: WindowSpec };

/** Another environment's release of the same version, pooled into this one's error counts. */
export interface PooledRelease {
  environment: string;
  deployStartedAt: number;
  analysisStart: number;
}

const POOL_BEFORE_MS = HOUR, POOL_AFTER_MS = 10 * 60_000;

interface PastRelease {
  id: string;
  version: string;
  status: string;
  analysisStart: number;
  good: number;
}

/**
 * A release an operator approved (as a whole, not one batch) counts as good: how a service's first release bootstraps.
 * A pass an operator marked as a missed regression does not.
 */
const GOOD = `((status IN ('pass', 'warn') OR (SELECT d.action FROM release_decisions d WHERE d.release_id = releases.id
  AND d.action IN ('approve', 'rollback', 'hold') AND d.batch_index IS NULL ORDER BY d.id DESC LIMIT 1) = 'approve')
  AND NOT EXISTS (SELECT 1 FROM release_decisions m WHERE m.release_id = releases.id AND m.action = 'mark_wrong' AND m.feedback = 'missed_regression'))`;

/**
 * Chooses the baseline a rule asks for and pairs it with the candidate window. Only releases that passed (or passed
 * with a warning) or that an operator approved ever serve as a baseline: a failed, held or rolled-back release would
 * hide the very regression.
 */
export class BaselineResolver {
  private readonly previous: Statement<PastRelease>;
  private readonly pinned: Statement<PastRelease>;
  private readonly deployHosts: Statement<{ hosts: string | null }>;
  private readonly batchHosts: Statement<{ hosts: string }>;
  private readonly sameVersion: Statement<PooledRelease>;

  constructor(private readonly store: Store) {
    const p = <Row>(sql: string) => store.statement<Row>(sql);
    const columns = `id, version, status, analysis_start AS "analysisStart", ${GOOD} AS good FROM releases`;
    this.previous = p(`SELECT ${columns} WHERE service = ? AND environment = ? AND id != ? AND ${GOOD}
      AND analysis_start IS NOT NULL AND deploy_finished_at < ? ORDER BY deploy_finished_at DESC LIMIT ?`);
    this.pinned = p(`SELECT ${columns} WHERE service = ? AND environment = ? AND version = ?`);
    this.deployHosts = p("SELECT hosts FROM deploys WHERE id = ?");
    this.batchHosts = p("SELECT hosts FROM deploy_batches WHERE deploy_id = ? AND status = 'finished' AND hosts IS NOT NULL AND batch_index <= ?");
    // A failed, held or rolled-back release's minutes after its deploy may be the old version's again, or the very
    // regression another environment is judged for: only releases still standing are pooled.
    this.sameVersion = p(`SELECT environment, COALESCE(deploy_started_at, analysis_start) AS "deployStartedAt", analysis_start AS "analysisStart"
      FROM releases WHERE service = ? AND version = ? AND environment != ? AND analysis_start IS NOT NULL AND status IN ('pending', 'analyzing', 'pass', 'warn')
      AND NOT EXISTS (SELECT 1 FROM release_decisions d WHERE d.release_id = releases.id AND d.action = 'rollback') ORDER BY environment`);
  }

  /**
   * The same version's releases in the rule's pool environments (rule.pool_environments) whose windows can be summed
   * with this one's minute by minute: deployed at most an hour before it (the forecast's time of day stays close) and
   * at most 10 minutes after (its first look waits for them).
   */
  async pooledWith(release: ReleaseRow, environments: readonly string[]): Promise<PooledRelease[]> {
    if (environments.length === 0 || release.analysisStart === null) return [];
    const own = release.analysisStart;
    return (await this.sameVersion.all(release.service, release.version, release.environment))
      .filter((r) => environments.includes(r.environment) && r.analysisStart >= own - POOL_BEFORE_MS && r.analysisStart <= own + POOL_AFTER_MS);
  }

  async resolve(release: ReleaseRow, rule: Rule, candidateEnd: number): Promise<PairedWindows> {
    const analysisStart = release.analysisStart!;
    const candidate: WindowSpec = { start: analysisStart, end: candidateEnd };
    const elapsed = candidateEnd - analysisStart;
    const b = rule.baseline;
    switch (b.kind) {
      case "auto":
      case "before_deploy":
        return { kind: "ok", candidate, baseline: { start: release.baselineStart!, end: release.baselineEnd! }, label: `the ${b.minutes} minutes before the deploy` };
      case "week_ago":
        return { kind: "ok", candidate, baseline: { start: analysisStart - WEEK, end: candidateEnd - WEEK }, label: "the same hours a week earlier" };
      case "previous_release": {
        const prev = await this.previous.all(release.service, release.environment, release.id, release.deployStartedAt ?? analysisStart, b.count);
        const latest = prev[0];
        if (!latest) {
          // The first release of a service under this rule: the hour before the deploy, as `auto` would without history.
          const fallback = await this.resolve(release, { ...rule, baseline: { ...b, kind: "before_deploy" } }, candidateEnd);
          return fallback.kind === "ok" ? { ...fallback, label: `${noEarlierGood(release.service)}: compared with ${fallback.label}` } : fallback;
        }
        const baseline = { start: latest.analysisStart, end: latest.analysisStart + elapsed };
        if (prev.length === 1) return { kind: "ok", candidate, baseline, label: `release ${latest.version}, at the same time after its deploy` };
        const versions = prev.map((p) => p.version).join(", ");
        return { kind: "ok", candidate, baseline, pooled: prev.map((p) => p.analysisStart), label: `the last ${prev.length} good releases (${versions}) pooled, at the same time after their deploys` };
      }
      case "pinned": {
        const pin = await this.pinned.get(release.service, release.environment, b.version!);
        if (!pin || pin.analysisStart === null) return { kind: "missing", candidate, why: `the pinned release ${b.version} was never deployed here` };
        if (!pin.good) return { kind: "missing", candidate, why: `the pinned release ${b.version} ended as '${pin.status}', and only releases that passed or were approved serve as a baseline` };
        return { kind: "ok", candidate, baseline: { start: pin.analysisStart, end: pin.analysisStart + elapsed }, label: `the pinned release ${b.version}, at the same time after its deploy` };
      }
      case "concurrent": {
        const hosts = await this.updatedHosts(release.latestDeployId);
        if (hosts.length === 0) return { kind: "missing", candidate, why: "the deploy named no hosts, so updated and not-yet-updated hosts cannot be told apart" };
        if (!(await this.hasOtherHosts(release, hosts, candidate)) && release.deployStartedAt !== null) {
          // Every host is updated (the whole roll-out is done): the same hosts before the deploy are the fair comparison.
          const end = floorMinute(release.deployStartedAt);
          return { kind: "ok", candidate: { ...candidate, hosts }, baseline: { start: end - HOUR, end, hosts }, label: `the same ${hosts.length} host(s) in the hour before the deploy (no host was left on the old version)` };
        }
        return {
          kind: "ok",
          candidate: { ...candidate, hosts },
          baseline: { ...candidate, excludeHosts: hosts },
          label: `the hosts not yet updated, over the same minutes (${hosts.length} updated)`,
        };
      }
    }
  }

  /** Whether a previous_release rule has any earlier good release to compare with. */
  async hasEarlierGood(release: ReleaseRow): Promise<boolean> {
    return (await this.previous.all(release.service, release.environment, release.id, release.deployStartedAt ?? release.analysisStart ?? 0, 1)).length > 0;
  }

  /**
   * A batch's pairing: the hosts updated up to this batch, over the batch's window, against the hosts not yet updated
   * over the same minutes (a concurrent rule, while any are left) or else the same hosts before the deploy started.
   */
  async resolveBatch(release: ReleaseRow, rule: Rule, updatedHosts: string[], window: { start: number; end: number }, deployStartedAt: number): Promise<PairedWindows> {
    const candidate: WindowSpec = { ...window, hosts: updatedHosts };
    if (updatedHosts.length === 0) return { kind: "missing", candidate: window, why: "the batch events named no hosts, so its hosts cannot be told from the rest" };
    if (rule.baseline.kind === "concurrent" && (await this.hasOtherHosts(release, updatedHosts, window))) {
      return { kind: "ok", candidate, baseline: { ...window, excludeHosts: updatedHosts }, label: "the hosts not yet updated, over the same minutes" };
    }
    const end = floorMinute(deployStartedAt);
    const minutes = rule.baseline.kind === "before_deploy" ? rule.baseline.minutes : 60;
    return { kind: "ok", candidate, baseline: { start: end - minutes * 60_000, end, hosts: updatedHosts }, label: `the same ${updatedHosts.length} host(s) in the ${minutes} minutes before the deploy` };
  }

  private async hasOtherHosts(release: ReleaseRow, hosts: string[], window: { start: number; end: number }): Promise<boolean> {
    const sql = `SELECT 1 FROM request_rollups WHERE service = ? AND environment = ? AND minute >= ? AND minute < ? AND host != '' AND host NOT IN (${hosts.map(() => "?").join(",")}) LIMIT 1`;
    return (await this.store.statement(sql).get(release.service, release.environment, window.start, window.end, ...hosts)) !== undefined;
  }

  /** The hosts the deploy has updated so far: those of its finished batches, or those it named. */
  async updatedHosts(deployId: string | null, uptoBatch = Number.MAX_SAFE_INTEGER): Promise<string[]> {
    if (!deployId) return [];
    const batches = (await this.batchHosts.all(deployId, uptoBatch)).flatMap((r) => JSON.parse(r.hosts) as string[]);
    if (batches.length > 0) return [...new Set(batches)];
    const row = await this.deployHosts.get(deployId);
    return row?.hosts ? (JSON.parse(row.hosts) as string[]) : [];
  }
}

export const noEarlierGood = (service: string) => `no earlier good release of ${service}`;
