import { attributeChange, detectChangePoint, detectMeanShift, type ChangeCause } from "../analysis/change-point.ts";
import type { Statement, Store } from "../store/store.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { WindowReader } from "../telemetry/window-reader.ts";
import type { Onset } from "./verdict.ts";
import { floorMinute } from "./release-windows.ts";
import { FitCache } from "./fit-cache.ts";

const MIN = 60_000;
/** Deploys this close together cannot be told apart by time alone (as attributeChange's closeMs). */
const CLOSE_MS = 2 * MIN;
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

type Totals = Map<number, { requests: number; errors: number; latencyCount: number; latencySum: number }>;
interface DeployRow { id: string; service: string; version: string; startedAt: number; finishedAt: number | null; hosts: string | null }
interface TotalsRow { service: string; minute: number; requests: number; errors: number; latencyCount: number; latencySum: number }
interface BatchRow { deployId: string; index: number; total: number; finishedAt: number; hosts: string | null; service: string; version: string }

/**
 * For a failing signal: when did it change (a change-point scan over the minutes around the deploy), and which deploy
 * or batch does the change follow: the service's own, or another service's whose named hosts are where it changed.
 */
export class OnsetLocator {
  private readonly deploys: Statement<DeployRow>;
  private readonly batches: Statement<BatchRow>;
  /**
   * Scans by the series they read (a permutation test costs ~1,000 scans of it): failing releases of one service, and
   * every failing release's rivals, scan the same minutes again and again. Keyed by the data, so never stale.
   */
  private readonly scans = new FitCache(256);
  /** Rivals' per-minute totals, by the number of services asked for (a power of two, so few texts are prepared). */
  private readonly rivalTotals = new Map<number, Statement<TotalsRow>>();

  constructor(
    private readonly store: Store,
    private readonly reader: WindowReader,
  ) {
    // Ordered: of deploys finished in the same instant the first is blamed, and without an order PostgreSQL returns
    // rows as its heap holds them, which changes as releases are updated (one release, two explanations).
    this.deploys = store.statement(`SELECT d.id, r.service, r.version, d.started_at AS "startedAt", d.finished_at AS "finishedAt", d.hosts
      FROM deploys d JOIN releases r ON r.id = d.release_id WHERE r.environment = ? AND d.started_at <= ? AND coalesce(d.finished_at, d.started_at) >= ? ORDER BY d.created_at, d.id`);
    this.batches = store.statement(`SELECT b.deploy_id AS "deployId", b.batch_index AS "index", b.batch_total AS total, b.finished_at AS "finishedAt", b.hosts, r.service, r.version
      FROM deploy_batches b JOIN deploys d ON d.id = b.deploy_id JOIN releases r ON r.id = d.release_id
      WHERE r.environment = ? AND b.finished_at BETWEEN ? AND ? ORDER BY b.finished_at, b.deploy_id, b.batch_index`);
  }

  async locate(release: ReleaseRow, kind: "error_rate" | "latency", end: number): Promise<Onset | undefined> {
    const start = floorMinute((release.deployStartedAt ?? release.analysisStart!) - 60 * MIN);
    const q = { service: release.service, environment: release.environment, start, end };
    const cp = await this.changePoint(q, kind);
    if (!cp?.significant) return undefined;
    const causes = await this.causes(release.environment, start, end);
    const changedHosts = await this.changedHosts(q, cp.t, kind);
    const attribution = attributeChange(cp.t, causes, { maxLagMs: 30 * MIN, toleranceMs: MIN, changedHosts, service: release.service });
    const rivals = attribution && attribution.hosts === undefined ? await this.rivals(attribution, causes, q, cp.t, kind) : [];
    const fmt = (x: number) => (kind === "error_rate" ? `${(x * 100).toFixed(1)} %` : `${Math.round(x)} ms`);
    const what = kind === "error_rate" ? "errors" : "response times";
    let follows = attribution ? ` It follows ${attribution.label}: ${attribution.reason}.` : " No deploy in the 30 minutes before it explains it.";
    if (rivals.length > 0) {
      const names = rivals.map((r) => r.label).join(" and ");
      follows += ` Attribution is ambiguous: ${names} came within ${CLOSE_MS / MIN} minutes of it and that service's ${what} changed at the same time; no deploy named its hosts to tell them apart.`;
    }
    return {
      at: new Date(cp.t).toISOString(),
      before: cp.before,
      after: cp.after,
      p_value: cp.pValue,
      follows: attribution?.id ?? null,
      ...(rivals.length > 0 ? { ambiguous: true } : {}),
      reason: `The change in ${what} began at ${hhmm(cp.t)} UTC (${fmt(cp.before)} before, ${fmt(cp.after)} after).${follows}`,
    };
  }

  private async changePoint(q: { service: string; environment: string; start: number; end: number }, kind: "error_rate" | "latency") {
    return this.scan(await this.reader.minuteTotals(q), kind);
  }

  private scan(totals: Totals, kind: "error_rate" | "latency") {
    const minutes = [...totals].sort((a, b) => a[0] - b[0]);
    if (kind === "error_rate") {
      const points = minutes.map(([t, m]) => ({ t, events: m.errors, exposure: m.requests })).filter((p) => p.exposure > 0);
      return this.scans.get(`e${JSON.stringify(points)}`, () => detectChangePoint(points));
    }
    const points = minutes.filter(([, m]) => m.latencyCount > 0).map(([t, m]) => ({ t, value: m.latencySum / m.latencyCount }));
    return this.scans.get(`l${JSON.stringify(points)}`, () => detectMeanShift(points));
  }

  /**
   * Deploys of other services, naming no hosts, close in time to the one blamed, whose own signal changed at about the
   * same moment: with no hosts to tell them apart, either could be the cause (a shared dependency, a caller).
   */
  private async rivals(blamed: ChangeCause, causes: ChangeCause[], q: { service: string; environment: string; start: number; end: number }, at: number, kind: "error_rate" | "latency"): Promise<ChangeCause[]> {
    const near = causes.filter((c) => c.service !== q.service && c.hosts === undefined && c.id !== blamed.id && Math.abs(c.at - blamed.at) <= CLOSE_MS);
    const first = new Map<string, ChangeCause>();
    for (const c of near) if (c.service !== undefined && !first.has(c.service)) first.set(c.service, c);
    if (first.size === 0) return [];
    const totals = await this.totalsOf([...first.keys()], q);
    const out: ChangeCause[] = [];
    for (const [service, c] of first) {
      const other = await this.scan(totals.get(service) ?? new Map(), kind);
      if (other?.significant === true && Math.abs(other.t - at) <= CLOSE_MS + MIN) out.push(c);
    }
    return out;
  }

  /** Every service's per-minute totals over the window in one read, as WindowReader.minuteTotals reads one's. */
  private async totalsOf(services: string[], q: { environment: string; start: number; end: number }): Promise<Map<string, Totals>> {
    let size = 1;
    while (size < services.length) size *= 2;
    let stmt = this.rivalTotals.get(size);
    if (!stmt) {
      stmt = this.store.statement<TotalsRow>(`SELECT service, minute, requests, errors, latency_count AS "latencyCount", latency_sum AS "latencySum" FROM service_rollups
        WHERE environment = ? AND service IN (${Array.from({ length: size }, () => "?").join(", ")}) AND minute >= ? AND minute < ? ORDER BY service, minute`);
      this.rivalTotals.set(size, stmt);
    }
    // Padded with the last name: a repeated IN value changes nothing.
    const names = Array.from({ length: size }, (_, i) => services[Math.min(i, services.length - 1)]!);
    const out = new Map<string, Totals>();
    for (const { service, minute, requests, errors, latencyCount, latencySum } of await stmt.all(q.environment, ...names, q.start, q.end)) {
      let totals = out.get(service);
      if (!totals) out.set(service, (totals = new Map()));
      const m = totals.get(minute);
      if (m) {
        m.requests += requests;
        m.errors += errors;
        m.latencyCount += latencyCount;
        m.latencySum += latencySum;
      } else totals.set(minute, { requests, errors, latencyCount, latencySum });
    }
    return out;
  }

  private async causes(environment: string, start: number, end: number): Promise<ChangeCause[]> {
    const hosts = (h: string | null) => (h ? (JSON.parse(h) as string[]) : undefined);
    const out: ChangeCause[] = [];
    for (const d of await this.deploys.all(environment, end, start - 30 * MIN)) {
      const at = d.finishedAt ?? d.startedAt;
      out.push({ id: d.id, label: `the deploy of ${d.service} ${d.version} (finished ${hhmm(at)})`, at, service: d.service, ...(hosts(d.hosts) ? { hosts: hosts(d.hosts)! } : {}) });
    }
    for (const b of await this.batches.all(environment, start - 30 * MIN, end)) {
      out.push({ id: `${b.deployId}#${b.index}`, label: `batch ${b.index} of ${b.total} of ${b.service} ${b.version}`, at: b.finishedAt, service: b.service, ...(hosts(b.hosts) ? { hosts: hosts(b.hosts)! } : {}) });
    }
    return out;
  }

  /** Hosts whose signal at least doubled after the change point. */
  private async changedHosts(q: { service: string; environment: string; start: number; end: number }, at: number, kind: "error_rate" | "latency"): Promise<string[] | undefined> {
    const before = await this.reader.requestsByHost({ ...q, end: at }), after = await this.reader.requestsByHost({ ...q, start: at });
    const value = (w: { requests: number; errors: number; latencyCount: number; latencySum: number } | undefined) =>
      !w ? undefined : kind === "error_rate" ? (w.requests > 0 ? (w.errors + 0.5) / w.requests : undefined) : w.latencyCount > 0 ? w.latencySum / w.latencyCount : undefined;
    const changed = [...after.keys()].filter((h) => h !== "" && (value(after.get(h)) ?? 0) >= 2 * (value(before.get(h)) ?? Infinity));
    return after.size > 0 && [...after.keys()].some((h) => h !== "") ? changed : undefined;
  }
}
