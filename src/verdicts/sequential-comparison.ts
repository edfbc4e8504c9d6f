import type { Rule } from "../rules/rule-schema.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowReader } from "../telemetry/window-reader.ts";
import { noEarlierGood, type BaselineResolver } from "./baseline-resolver.ts";
import { floorMinute } from "./release-windows.ts";
import type { EvidenceScope, GroupFilter } from "./sequential-evidence.ts";
import type { Check, Verdict } from "./verdict.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const WEEK = 7 * 1440 * MINUTE;
/** The share of a window's requests an old version must still serve for a version-against-version comparison. */
const MIN_CONTROL_SHARE = 0.05;

/** What a release's sequential signals are compared with, before the engine's own fallbacks. */
export type Comparison = Pick<EvidenceScope, "groups" | "referenceStart" | "referenceStarts"> & { label: string; historyDays?: number };

/** `baseline: auto` and the explicit kinds, as groups of hosts or versions, a reference window, or history. */
export class ComparisonChooser {
  constructor(
    private readonly reader: WindowReader,
    private readonly baselines: BaselineResolver,
  ) {}

  /**
   * baseline auto: updated hosts against the others while any others still serve, or the new version against the old
   * while both serve; else the forecast from history (the engine falls back to the hour before on under a day of it).
   */
  async choose(release: ReleaseRow, rule: Rule, candidateEnd: number): Promise<Comparison> {
    const kind = rule.baseline.kind;
    const window = { service: release.service, environment: release.environment, start: release.analysisStart!, end: Math.max(candidateEnd, release.analysisStart! + MINUTE) };
    if (kind === "auto" || kind === "concurrent") {
      const hosts = await this.baselines.updatedHosts(release.latestDeployId);
      if (hosts.length > 0 && (await this.reader.requestCounts({ ...window, excludeHosts: hosts })).size > 0) {
        return { groups: { candidate: { hosts }, control: { excludeHosts: hosts } }, label: `the hosts not yet updated, over the same minutes (${hosts.length} updated)` };
      }
      const versions = await this.reader.versionsServing(window);
      const total = [...versions.values()].reduce((a, b) => a + b, 0);
      const mine = versions.get(release.version) ?? 0;
      if (mine > 0 && total - mine >= MIN_CONTROL_SHARE * total) {
        const groups: { candidate: GroupFilter; control: GroupFilter } = { candidate: { version: release.version }, control: { excludeVersion: release.version } };
        return { groups, label: `the traffic still served by the previous version, over the same minutes` };
      }
      return { label: "a forecast from the service's own history" };
    }
    // Under a day of history the engine compares with the hour before the deploy (and says it is of low assurance).
    if (kind === "before_deploy") return { label: `the ${rule.baseline.minutes} minutes before the deploy`, historyDays: Math.min(0.99, (rule.baseline.minutes + rule.baseline.history_minutes) / 1440) };
    if (kind === "week_ago") return { referenceStart: release.analysisStart! - WEEK, label: "the same hours a week earlier" };
    if (kind === "previous_release" && !(await this.baselines.hasEarlierGood(release))) {
      // The first release of a service under this rule bootstraps as `auto` would, and says so.
      const auto = await this.choose(release, { ...rule, baseline: { ...rule.baseline, kind: "auto" } }, candidateEnd);
      return { ...auto, label: `${noEarlierGood(release.service)}: compared with ${auto.label}` };
    }
    const paired = await this.baselines.resolve(release, rule, candidateEnd);
    if (paired.kind === "missing") return { label: `a forecast from history (${paired.why})` };
    return { referenceStart: paired.baseline.start, label: paired.label, ...(paired.pooled && paired.pooled.length > 1 ? { referenceStarts: paired.pooled } : {}) };
  }
}

/**
 * What the release was compared with, as the design the engine actually used (a concurrent comparison may have
 * fallen back to the forecast): the error-rate signal's, else the first sequential signal's.
 */
export function baselineWindow(release: ReleaseRow, rule: Rule, comparison: Comparison, checks: readonly Check[], decidedEnd: number): Verdict["windows"]["baseline"] {
  const iso = (t: number) => new Date(t).toISOString();
  const used = (checks.find((c) => c.kind === "error_rate" && c.sequential) ?? checks.find((c) => c.sequential))?.sequential;
  const analysisStart = release.analysisStart!, deployStart = floorMinute(release.deployStartedAt ?? analysisStart);
  switch (used?.design) {
    case "concurrent":
      return { start: iso(analysisStart), end: iso(decidedEnd), label: comparison.label };
    case "reference":
      // A reference window (week_ago, previous_release, pinned), or none at all: a fixed objective (error_budget).
      if (comparison.referenceStart === undefined) return { start: null, end: null, label: used.design_reason };
      return { start: iso(comparison.referenceStart), end: iso(comparison.referenceStart + decidedEnd - analysisStart), label: comparison.label };
    case "forecast": {
      const errors = checks.find((c) => c.sequential === used);
      const minutes = errors?.details.historyMinutes ?? Math.round((comparison.historyDays ?? rule.baseline.history_days) * 1440);
      return { start: iso(deployStart - minutes * MINUTE), end: iso(deployStart), label: `a forecast from the service's own history: ${used.design_reason}` };
    }
    case "before_deploy":
      return { start: iso(deployStart - HOUR), end: iso(deployStart), label: `the hour before the deploy: ${used.design_reason}` };
    default:
      return { start: release.baselineStart === null ? null : iso(release.baselineStart), end: release.baselineEnd === null ? null : iso(release.baselineEnd), label: comparison.label };
  }
}
