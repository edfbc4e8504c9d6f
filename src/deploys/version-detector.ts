import type { AuditLog } from "../decisions/audit-log.ts";
import { DEFAULT_RULE } from "../rules/default-rule.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { Statement, Store } from "../store/store.ts";
import type { VersionSighting, VersionWatch } from "../telemetry/version-sightings.ts";
import type { DeployService } from "./deploy-service.ts";

/** Versions the cache holds at most before it is cleared whole. */
const MAX_KNOWN = 100_000;

const keyOf = (s: { service: string; environment: string; version?: string }) => `${s.service}\u0000${s.environment}\u0000${s.version ?? ""}`;

/**
 * Deploys seen from version labels (what Datadog does with its `version` tag): a version a service's telemetry has
 * never carried opens a release by itself, as if a deploy of it had finished at the first minute it served. The very
 * first version of a service is its baseline, not a release. Runs inside the telemetry batch's write, so the versions
 * it records and the release it opens stand or fall with the batch; the table's key makes one replica's sighting win.
 */
export class VersionDetector implements VersionWatch {
  /** Versions known stored, each with a minute no earlier than its first: a steady stream of batches costs no query. */
  private readonly known = new Map<string, number>();
  private readonly hasAny: Statement<{ one: number }>;
  private readonly insert: Statement<unknown>;
  private readonly earlier: Statement<unknown>;

  constructor(
    private readonly store: Store,
    private readonly rules: RuleSet,
    private readonly deploys: DeployService,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {
    this.hasAny = store.statement("SELECT 1 AS one FROM service_versions WHERE service = ? AND environment = ? LIMIT 1");
    this.insert = store.statement(
      "INSERT INTO service_versions (service, environment, version, first_minute, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (service, environment, version) DO NOTHING",
    );
    this.earlier = store.statement("UPDATE service_versions SET first_minute = ? WHERE service = ? AND environment = ? AND version = ? AND first_minute > ?");
  }

  async seen(sightings: readonly VersionSighting[]): Promise<void> {
    const fresh = sightings.filter((s) => {
      const known = this.known.get(keyOf(s));
      return known === undefined || s.firstMinute < known;
    });
    if (fresh.length === 0) return;
    const stored: VersionSighting[] = [];
    const all = byService(sightings);
    for (const [key, group] of byService(fresh)) {
      const first = group[0]!;
      // A service's first versions are where it stands, not a change: those seen at its earliest minute are the baseline.
      const hadHistory = (await this.hasAny.get(first.service, first.environment)) !== undefined;
      const baselineMinute = hadHistory ? -Infinity : Math.min(...group.map((s) => s.firstMinute));
      for (const s of group) {
        stored.push(s);
        if ((await this.insert.run(s.service, s.environment, s.version, s.firstMinute, this.now())) === 1) {
          if (s.firstMinute > baselineMinute) await this.open(s, all.get(key)!);
        } else if ((await this.earlier.run(s.firstMinute, s.service, s.environment, s.version, s.firstMinute)) === 1) {
          await this.moveEarlier(s);
        }
      }
    }
    this.store.afterCommit(() => {
      if (this.known.size + stored.length > MAX_KNOWN) this.known.clear();
      for (const s of stored) this.known.set(keyOf(s), Math.min(s.firstMinute, this.known.get(keyOf(s)) ?? Infinity));
    });
  }

  /** `batch`: every version the service's batch carried, for the audit line. */
  private async open(s: VersionSighting, batch: readonly VersionSighting[]): Promise<void> {
    const rule = this.rules.resolve(s.service, s.environment) ?? DEFAULT_RULE;
    if (!rule.auto_detect_deploys) return;
    const accepted = await this.deploys.recordSeen({ service: s.service, environment: s.environment, version: s.version, at: s.firstMinute });
    if (!accepted) return;
    const beside = batch.filter((o) => o.version !== s.version).map((o) => o.version);
    const at = new Date(s.firstMinute).toISOString();
    const release = { id: accepted.release_id, service: s.service, environment: s.environment, version: s.version };
    await this.audit.record("deploy_detected", release, "deploy-guard",
      `Version ${s.version} first served at ${at}${beside.length > 0 ? ` beside ${beside.join(", ")}` : ""}, with no deploy event: ` +
      "the release was opened from its version label and is judged against the traffic the previous version still serves. " +
      "A deploy event for this version takes the release over.",
      { version: s.version, first_minute: at, tool: "version-label" }, this.now());
  }

  private async moveEarlier(s: VersionSighting): Promise<void> {
    const id = await this.deploys.seenEarlier({ service: s.service, environment: s.environment, version: s.version, at: s.firstMinute });
    if (!id) return;
    await this.audit.record("deploy_detected", { id, service: s.service, environment: s.environment, version: s.version }, "deploy-guard",
      `Version ${s.version} was seen serving earlier, from ${new Date(s.firstMinute).toISOString()} (telemetry stored out of order): the release starts there now.`,
      { version: s.version, first_minute: new Date(s.firstMinute).toISOString(), tool: "version-label" }, this.now());
  }
}

/** Sightings grouped per service and environment, each group in the order its versions first served. */
function byService(sightings: readonly VersionSighting[]): Map<string, VersionSighting[]> {
  const groups = new Map<string, VersionSighting[]>();
  for (const s of sightings) {
    const key = keyOf({ service: s.service, environment: s.environment });
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  // A fixed order of inserts, so two replicas writing the same versions never wait on each other in a cycle.
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return new Map(sorted.map(([k, g]) => [k, g.sort((a, b) => a.firstMinute - b.firstMinute || (a.version < b.version ? -1 : 1))]));
}
