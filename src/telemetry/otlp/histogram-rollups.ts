import { encodeHistogram, type Histogram } from "../latency-histogram.ts";
import type { LogEvent } from "../log-event.ts";
import type { RollupRow } from "../log-rollup-builder.ts";
import type { DurationHistogram } from "./duration-histogram.ts";

const MINUTE = 60_000;

type Rollup = Omit<RollupRow, "hist"> & { hist: Histogram };

function add(map: Map<string, Rollup>, key: string, e: LogEvent, minute: number, d: DurationHistogram, detail: { version: string; host: string; route: string }): void {
  let r = map.get(key);
  if (!r) {
    r = { service: e.service, environment: e.environment, minute, ...detail, requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: new Map() };
    map.set(key, r);
  }
  r.requests += d.count;
  if (e.isError) r.errors += d.count;
  r.latencyCount += d.latencyCount;
  if (d.latencyCount > 0) r.latencySum += d.sumMs;
  for (const [b, n] of d.hist) r.hist.set(b, (r.hist.get(b) ?? 0) + n);
}

/**
 * Duration histogram points as the rows POST /api/v1/logs would have made from the same requests: per service, version,
 * host and route, and per service, one row a key and minute. `points[i]` is described by `events[i]` (its identity,
 * checked like a log event: isError when its status was 5xx).
 */
export function histogramRollups(events: readonly LogEvent[], points: readonly DurationHistogram[]): { requestRollups: RollupRow[]; serviceRollups: RollupRow[] } {
  const detailed = new Map<string, Rollup>(), perService = new Map<string, Rollup>();
  events.forEach((e, i) => {
    const minute = Math.floor(e.ts / MINUTE) * MINUTE;
    const detail = { version: e.version ?? "", host: e.host ?? "", route: e.route ?? "" };
    const serviceKey = `${e.service}\u0000${e.environment}\u0000${minute}`;
    add(detailed, `${serviceKey}\u0000${detail.version}\u0000${detail.host}\u0000${detail.route}`, e, minute, points[i]!, detail);
    add(perService, serviceKey, e, minute, points[i]!, { version: "", host: "", route: "" });
  });
  const encoded = (map: Map<string, Rollup>) => [...map.values()].map((r) => ({ ...r, hist: encodeHistogram(r.hist) }));
  return { requestRollups: encoded(detailed), serviceRollups: encoded(perService) };
}
