import { and, eq, gte, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import type { Store } from "../store/store.ts";
import { metricRollups } from "../store/schema/index.ts";
import type { WindowReader, WindowQuery, RequestWindow, MetricWindow } from "../telemetry/window-reader.ts";
import type { MetricSource, SourceHealth, SourceQuery, SourceSeries } from "./source.ts";

export const routeLike = (glob: string | undefined) => (glob === undefined ? undefined : glob.replaceAll("%", "\\%").replaceAll("*", "%"));

/**
 * The source behind pushed telemetry: reads release windows from our own per-minute roll-ups. The evaluator calls the
 * reads directly (the fast path, inside its transaction); `query` gives the same data through MetricSource.
 * It ignores `version`: pushed telemetry need not carry one, and the windows and hosts already say whose data it is.
 */
export class BuiltinSource implements MetricSource {
  readonly kind = "builtin" as const;

  constructor(
    private readonly reader: WindowReader,
    private readonly store: Store,
  ) {}

  requests(q: WindowQuery): Promise<RequestWindow> {
    return this.reader.requests(q);
  }

  requestCounts(q: WindowQuery): Promise<Map<number, { requests: number; errors: number }>> {
    return this.reader.requestCounts(q);
  }

  requestsByRoute(q: WindowQuery): Promise<Map<string, RequestWindow>> {
    return this.reader.requestsByRoute(q);
  }

  metric(name: string, q: WindowQuery): Promise<MetricWindow> {
    return this.reader.metric(name, q);
  }

  metricSeries(name: string, q: WindowQuery): Promise<{ minute: number; value: number }[]> {
    return this.reader.metricSeries(name, q);
  }

  async query(q: SourceQuery): Promise<SourceSeries> {
    const w: WindowQuery = { service: q.service, environment: q.environment, start: q.start, end: q.end, routeLike: routeLike(q.signal.route) };
    if (q.hosts) w.hosts = q.hosts;
    if (q.excludeHosts) w.excludeHosts = q.excludeHosts;
    switch (q.signal.kind) {
      case "error_rate": {
        const minutes = [...(await this.reader.requests(w)).perMinute].sort(([a], [b]) => a - b);
        return { kind: "counts", points: minutes.map(([t, m]) => ({ t, events: m.errors, exposure: m.requests })) };
      }
      case "latency": {
        const r = await this.reader.requests(w);
        const points = [...r.perMinute].sort(([a], [b]) => a - b).map(([t, m]) => ({ t, requests: m.latencyCount }));
        return { kind: "histogram", hist: r.hist, points };
      }
      case "metric":
        return { kind: "values", points: await this.metricPoints(q.signal.metric ?? q.signal.name, w) };
    }
  }

  /** One value per minute and host (the mean of its samples), as WindowReader.metric, with the minute kept. */
  private async metricPoints(name: string, q: WindowQuery): Promise<{ t: number; value: number }[]> {
    const m = metricRollups;
    const conds: SQL[] = [eq(m.name, name), eq(m.service, q.service), eq(m.environment, q.environment), gte(m.minute, q.start), lt(m.minute, q.end)];
    if (q.hosts && q.hosts.length > 0) conds.push(inArray(m.host, [...q.hosts]));
    if (q.excludeHosts && q.excludeHosts.length > 0) conds.push(notInArray(m.host, [...q.excludeHosts]));
    const rows = await this.store.db.select({ t: m.minute, sum: m.sum, count: m.count }).from(m).where(and(...conds)).orderBy(m.minute);
    return rows.map((r) => ({ t: r.t, value: r.sum / r.count }));
  }

  async health(): Promise<SourceHealth> {
    const started = performance.now();
    await this.store.statement("SELECT 1").get();
    return { ok: true, detail: `ok (${Math.round(performance.now() - started)} ms)` };
  }
}
