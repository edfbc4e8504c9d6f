import { bucketOf, encodeHistogram, type Histogram } from "./latency-histogram.ts";
import type { LogEvent } from "./log-event.ts";

const MINUTE = 60_000;

interface Rollup {
  service: string; environment: string; minute: number; version: string; host: string; route: string;
  requests: number; errors: number; latencyCount: number; latencySum: number; hist: Histogram;
}

/** One roll-up row as written: the histogram already encoded, so the write does SQL only. */
export interface RollupRow {
  service: string; environment: string; minute: number; version: string; host: string; route: string;
  requests: number; errors: number; latencyCount: number; latencySum: number; hist: Buffer;
}

function add(r: Rollup, e: LogEvent, bucket: number | undefined): void {
  r.requests++;
  if (e.isError) r.errors++;
  if (bucket !== undefined) {
    r.latencyCount++;
    r.latencySum += e.latencyMs!;
    r.hist.set(bucket, (r.hist.get(bucket) ?? 0) + 1);
  }
}

const encoded = (map: Map<string, Rollup>): RollupRow[] => [...map.values()].map((r) => ({ ...r, hist: encodeHistogram(r.hist) }));

/**
 * Counts one batch's log events per minute: per service, version, host and route (request_rollups) and per service
 * only (service_rollups). Fed in slices by the caller; CPU only, no SQL.
 */
export class LogRollupBuilder {
  private readonly detailed = new Map<string, Rollup>();
  private readonly perService = new Map<string, Rollup>();

  add(e: LogEvent): void {
    const minute = Math.floor(e.ts / MINUTE) * MINUTE;
    const version = e.version ?? "", host = e.host ?? "", route = e.route ?? "";
    const serviceKey = `${e.service}\u0000${e.environment}\u0000${minute}`;
    const bucket = e.latencyMs === undefined ? undefined : bucketOf(e.latencyMs);
    add(this.rollup(this.detailed, `${serviceKey}\u0000${version}\u0000${host}\u0000${route}`, e, minute, version, host, route), e, bucket);
    add(this.rollup(this.perService, serviceKey, e, minute, "", "", ""), e, bucket);
  }

  rows(): { requestRollups: RollupRow[]; serviceRollups: RollupRow[] } {
    return { requestRollups: encoded(this.detailed), serviceRollups: encoded(this.perService) };
  }

  private rollup(map: Map<string, Rollup>, key: string, e: LogEvent, minute: number, version: string, host: string, route: string): Rollup {
    let r = map.get(key);
    if (!r) {
      r = { service: e.service, environment: e.environment, minute, version, host, route, requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: new Map() };
      map.set(key, r);
    }
    return r;
  }
}
