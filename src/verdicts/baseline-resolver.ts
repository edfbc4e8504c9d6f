import type { Statement } from "better-sqlite3";
import type { Rule } from "../rules/rule-schema.ts";
import type { Db } from "../store/db.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowQuery } from "../telemetry/window-reader.ts";
import { floorMinute } from "./release-windows.ts";

const HOUR = 3600_000;
const WEEK = 7 * 24 * HOUR;

export type WindowSpec = Omit<WindowQuery, "service" | "environment" | "routeLike">;

export type PairedWindows =
  | { kind: "ok"; baseline: WindowSpec; candidate: WindowSpec; label: string }
  | { kind: "missing"; why: string; candidate: WindowSpec };

interface PastRelease {
  id: string;
  version: string;
  status: string;
  analysisStart: number;
}

/**
 * Chooses the baseline a rule asks for and pairs it with the candidate window. Only releases that passed (or passed
 * with a warning) ever serve as a baseline: a failed, held or rolled-back release would hide the very regression.
 */
export class BaselineResolver {
  private readonly previous: Statement;
  private readonly pinned: Statement;
  private readonly deployHosts: Statement;
  private readonly batchHosts: Statement;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.$client.prepare(sql);
    const columns = "id, version, status, analysis_start AS analysisStart FROM releases";
    this.previous = p(`SELECT ${columns} WHERE service = ? AND environment = ? AND id != ? AND status IN ('pass', 'warn')
      AND analysis_start IS NOT NULL AND deploy_finished_at < ? ORDER BY deploy_finished_at DESC LIMIT 1`);
    this.pinned = p(`SELECT ${columns} WHERE service = ? AND environment = ? AND version = ?`);
    this.deployHosts = p("SELECT hosts FROM deploys WHERE id = ?");
    this.batchHosts = p("SELECT hosts FROM deploy_batches WHERE deploy_id = ? AND status = 'finished' AND hosts IS NOT NULL AND batch_index <= ?");
  }

  resolve(release: ReleaseRow, rule: Rule, candidateEnd: number): PairedWindows {
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
        const prev = this.previous.get(release.service, release.environment, release.id, release.deployStartedAt ?? analysisStart) as PastRelease | undefined;
        if (!prev) return { kind: "missing", candidate, why: "there is no earlier release of this service that passed" };
        return { kind: "ok", candidate, baseline: { start: prev.analysisStart, end: prev.analysisStart + elapsed }, label: `release ${prev.version}, at the same time after its deploy` };
      }
      case "pinned": {
        const pin = this.pinned.get(release.service, release.environment, b.version) as PastRelease | undefined;
        if (!pin || pin.analysisStart === null) return { kind: "missing", candidate, why: `the pinned release ${b.version} was never deployed here` };
        if (pin.status !== "pass" && pin.status !== "warn") return { kind: "missing", candidate, why: `the pinned release ${b.version} ended as '${pin.status}', and only releases that passed serve as a baseline` };
        return { kind: "ok", candidate, baseline: { start: pin.analysisStart, end: pin.analysisStart + elapsed }, label: `the pinned release ${b.version}, at the same time after its deploy` };
      }
      case "concurrent": {
        const hosts = this.updatedHosts(release.latestDeployId);
        if (hosts.length === 0) return { kind: "missing", candidate, why: "the deploy named no hosts, so updated and not-yet-updated hosts cannot be told apart" };
        if (!this.hasOtherHosts(release, hosts, candidate) && release.deployStartedAt !== null) {
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

  /**
   * A batch's pairing: the hosts updated up to this batch, over the batch's window, against the hosts not yet updated
   * over the same minutes (a concurrent rule, while any are left) or else the same hosts before the deploy started.
   */
  resolveBatch(release: ReleaseRow, rule: Rule, updatedHosts: string[], window: { start: number; end: number }, deployStartedAt: number): PairedWindows {
    const candidate: WindowSpec = { ...window, hosts: updatedHosts };
    if (updatedHosts.length === 0) return { kind: "missing", candidate: window, why: "the batch events named no hosts, so its hosts cannot be told from the rest" };
    if (rule.baseline.kind === "concurrent" && this.hasOtherHosts(release, updatedHosts, window)) {
      return { kind: "ok", candidate, baseline: { ...window, excludeHosts: updatedHosts }, label: "the hosts not yet updated, over the same minutes" };
    }
    const end = floorMinute(deployStartedAt);
    const minutes = rule.baseline.kind === "before_deploy" ? rule.baseline.minutes : 60;
    return { kind: "ok", candidate, baseline: { start: end - minutes * 60_000, end, hosts: updatedHosts }, label: `the same ${updatedHosts.length} host(s) in the ${minutes} minutes before the deploy` };
  }

  private hasOtherHosts(release: ReleaseRow, hosts: string[], window: { start: number; end: number }): boolean {
    const sql = `SELECT 1 FROM request_rollups WHERE service = ? AND environment = ? AND minute >= ? AND minute < ? AND host != '' AND host NOT IN (${hosts.map(() => "?").join(",")}) LIMIT 1`;
    return this.db.$client.prepare(sql).get(release.service, release.environment, window.start, window.end, ...hosts) !== undefined;
  }

  /** The hosts the deploy has updated so far: those of its finished batches, or those it named. */
  updatedHosts(deployId: string | null, uptoBatch = Number.MAX_SAFE_INTEGER): string[] {
    if (!deployId) return [];
    const batches = (this.batchHosts.all(deployId, uptoBatch) as { hosts: string }[]).flatMap((r) => JSON.parse(r.hosts) as string[]);
    if (batches.length > 0) return [...new Set(batches)];
    const row = this.deployHosts.get(deployId) as { hosts: string | null } | undefined;
    return row?.hosts ? (JSON.parse(row.hosts) as string[]) : [];
  }
}
