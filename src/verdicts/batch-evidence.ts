import type { MinuteCounts, RateEvidence } from "../analysis/sequential/sequential-types.ts";
import type { WindowQuery, WindowReader } from "../telemetry/window-reader.ts";
import { floorMinute } from "./release-windows.ts";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** One batch of the rolling deploy as the evidence needs it. */
export interface BatchSpan {
  index: number;
  hosts: string[];
  startedAt: number;
  /** The first whole minute after the batch finished, or null while it is still being deployed. */
  windowStart: number | null;
}

/** A stretch of minutes over which the updated and the not-yet-updated hosts stayed the same. */
interface Segment {
  start: number;
  end: number;
  candidate: string[];
  excluded: string[];
}

export interface BatchEvidence {
  /** Minute 0 of the evidence: the first whole minute after batch 1 finished. */
  start: number;
  candidate: MinuteCounts[];
  control: MinuteCounts[];
  /** The updated hosts at the last minute and every host updated or being updated by then (not control). */
  finalGroups: { candidate: string[]; excluded: string[] };
  /** Minutes with at least one request on a not-yet-updated host. */
  controlMinutes: number;
}

const key = (s: Omit<Segment, "start" | "end">) => `${s.candidate.join(",")}|${s.excluded.join(",")}`;

/**
 * Minute by minute from batch 1's end, the hosts of batches 1..k that had finished (candidate) against the hosts no
 * batch had started on yet (control); hosts mid-update count for neither. The candidate group grows as batches
 * finish, which the per-minute conditional test allows: each minute carries its own exposures.
 */
export function batchSegments(batches: readonly BatchSpan[], upTo: number, start: number, end: number): Segment[] {
  const segments: Segment[] = [];
  for (let t = start; t < end; t += MINUTE) {
    const candidate = new Set<string>(), excluded = new Set<string>();
    for (const b of batches) {
      if (b.index <= upTo && b.windowStart !== null && b.windowStart <= t) b.hosts.forEach((h) => candidate.add(h));
      if (b.startedAt < t + MINUTE) b.hosts.forEach((h) => excluded.add(h));
    }
    const seg = { candidate: [...candidate].sort(), excluded: [...excluded].sort() };
    const last = segments[segments.length - 1];
    if (last && key(last) === key(seg)) last.end = t + MINUTE;
    else segments.push({ ...seg, start: t, end: t + MINUTE });
  }
  return segments;
}

/** Reads the per-minute counts of both groups of each segment; ρ per segment scales its candidate exposure. */
export class BatchEvidenceReader {
  constructor(private readonly reader: WindowReader) {}

  async read(scope: { service: string; environment: string; routeLike: string | undefined }, segments: readonly Segment[],
    scale: (candidate: string[], excluded: string[]) => Promise<number> | number = () => 1): Promise<BatchEvidence> {
    const candidate: MinuteCounts[] = [], control: MinuteCounts[] = [];
    let controlMinutes = 0;
    const q = (s: Segment, group: Pick<WindowQuery, "hosts" | "excludeHosts">): WindowQuery =>
      ({ service: scope.service, environment: scope.environment, start: s.start, end: s.end, routeLike: scope.routeLike, ...group });
    for (const s of segments) {
      const c = s.candidate.length > 0 ? await this.reader.requestCounts(q(s, { hosts: s.candidate })) : new Map<number, { requests: number; errors: number }>();
      const k = await this.reader.requestCounts(q(s, s.excluded.length > 0 ? { excludeHosts: s.excluded } : {}));
      const factor = s.candidate.length > 0 ? await scale(s.candidate, s.excluded) : 1;
      for (let t = s.start; t < s.end; t += MINUTE) {
        const cm = c.get(t), km = k.get(t);
        candidate.push(cm ? { events: cm.errors, exposure: cm.requests * factor } : { events: 0, exposure: 0 });
        control.push(km ? { events: km.errors, exposure: km.requests } : { events: 0, exposure: 0 });
        if (km && km.requests > 0) controlMinutes++;
      }
    }
    const last = segments[segments.length - 1];
    return { start: segments[0]?.start ?? 0, candidate, control, finalGroups: { candidate: last?.candidate ?? [], excluded: last?.excluded ?? [] }, controlMinutes };
  }

  /** Minutes in [start, end) with at least one request on these hosts: how long a batch's own hosts have run. */
  async trafficMinutes(scope: { service: string; environment: string }, hosts: readonly string[], start: number, end: number): Promise<number> {
    if (hosts.length === 0 || end <= start) return 0;
    const counts = await this.reader.requestCounts({ service: scope.service, environment: scope.environment, start, end, hosts });
    return [...counts.values()].filter((m) => m.requests > 0).length;
  }

  /** Both groups' last day before the deploy started: ρ and the group-vs-group wander are fitted on it. */
  async groupHistory(scope: { service: string; environment: string; routeLike: string | undefined }, groups: { candidate: string[]; excluded: string[] }, deployStartedAt: number): Promise<NonNullable<RateEvidence["concurrent"]>> {
    const end = floorMinute(deployStartedAt), start = end - DAY;
    const dense = async (group: Pick<WindowQuery, "hosts" | "excludeHosts">): Promise<MinuteCounts[]> => {
      const map = await this.reader.requestCounts({ service: scope.service, environment: scope.environment, start, end, routeLike: scope.routeLike, ...group });
      return Array.from({ length: (end - start) / MINUTE }, (_, i) => {
        const m = map.get(start + i * MINUTE);
        return m ? { events: m.errors, exposure: m.requests } : { events: 0, exposure: 0 };
      });
    };
    const candidateHistory = await dense({ hosts: groups.candidate });
    const controlHistory = await dense(groups.excluded.length > 0 ? { excludeHosts: groups.excluded } : {});
    // Hosts new to the fleet have no history of their own: they stand against the old ones as alike (ρ = 1).
    return { control: [], candidateHistory, controlHistory, exchangeable: !candidateHistory.some((m) => m.exposure > 0) };
  }

  /** The groups' usual rate ratio over the day before the deploy (point estimate), or undefined without events. */
  async usualRatio(scope: { service: string; environment: string; routeLike: string | undefined }, groups: { candidate: string[]; excluded: string[] }, deployStartedAt: number): Promise<number | undefined> {
    const h = await this.groupHistory(scope, groups, deployStartedAt);
    const sum = (xs: MinuteCounts[]) => xs.reduce((a, m) => ({ events: a.events + m.events, exposure: a.exposure + m.exposure }), { events: 0, exposure: 0 });
    const c = sum(h.candidateHistory), k = sum(h.controlHistory);
    if (c.events === 0 || k.events === 0 || c.exposure === 0 || k.exposure === 0) return undefined;
    return c.events / c.exposure / (k.events / k.exposure);
  }
}
