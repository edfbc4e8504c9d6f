import type { Dialect, SqlParam, Statement, Store } from "../store/store.ts";
import { countAbove, decodeHistogramDense, emptyDense, type DenseHistogram } from "./latency-histogram.ts";

export interface WindowQuery {
  service: string;
  environment: string;
  start: number;
  end: number;
  /** Only these hosts / this version / routes matching this SQL LIKE pattern, when given. */
  hosts?: readonly string[];
  /** All hosts but these (the not-yet-updated side of a rolling deploy). */
  excludeHosts?: readonly string[];
  version?: string;
  /** All versions but this one (the old-version side when both versions serve at once). */
  excludeVersion?: string;
  routeLike?: string;
}

export interface RequestWindow {
  requests: number;
  errors: number;
  latencyCount: number;
  latencySum: number;
  hist: DenseHistogram;
  /** Requests, errors and latency per minute, for charts and change-point detection. */
  perMinute: Map<number, { requests: number; errors: number; latencyCount: number; latencySum: number }>;
}

export interface MetricWindow {
  /** One value per minute and host: the mean of that minute's samples. */
  points: number[];
  count: number;
}

function filters(q: WindowQuery, params: SqlParam[], dialect: Dialect): string {
  let sql = "";
  if (q.hosts && q.hosts.length > 0) {
    sql += ` AND host IN (${q.hosts.map(() => "?").join(",")})`;
    params.push(...q.hosts);
  }
  if (q.excludeHosts && q.excludeHosts.length > 0) {
    sql += ` AND host NOT IN (${q.excludeHosts.map(() => "?").join(",")})`;
    params.push(...q.excludeHosts);
  }
  if (q.version !== undefined) {
    sql += " AND version = ?";
    params.push(q.version);
  }
  if (q.excludeVersion !== undefined) {
    sql += " AND version != ?";
    params.push(q.excludeVersion);
  }
  if (q.routeLike !== undefined) {
    // SQLite's LIKE ignores ASCII case and PostgreSQL's does not: rules were written against SQLite's.
    sql += dialect === "postgres" ? " AND route ILIKE ?" : " AND route LIKE ?";
    params.push(q.routeLike);
  }
  return sql;
}

interface RollupRow { minute: number; requests: number; errors: number; latencyCount: number; latencySum: number; hist: Uint8Array }
interface LatencyRow { minute: number; count: number; hist: Uint8Array }

/** Reads release windows from the per-minute roll-ups: [start, end) in whole minutes. */
export class WindowReader {
  // The SQL varies with the number of hosts in a filter: statements are prepared once per text, up to 200 of them.
  private readonly statements = new Map<string, Statement<unknown>>();

  constructor(private readonly store: Store) {}

  private prepared<Row>(sql: string): Statement<Row> {
    let stmt = this.statements.get(sql) as Statement<Row> | undefined;
    if (!stmt) {
      stmt = this.store.statement<Row>(sql);
      if (this.statements.size < 200) this.statements.set(sql, stmt as Statement<unknown>);
    }
    return stmt;
  }

  /** Requests and errors per minute start (ms), without latency: long spans such as the hours before a baseline. */
  async requestCounts(q: WindowQuery): Promise<Map<number, { requests: number; errors: number }>> {
    const params: SqlParam[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params, this.store.dialect);
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, SUM(requests) AS requests, SUM(errors) AS errors FROM ${table}
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${where} GROUP BY minute ORDER BY minute`;
    const rows = await this.prepared<{ minute: number; requests: number; errors: number }>(sql).all(...params);
    return new Map(rows.map(({ minute, requests, errors }) => [minute, { requests, errors }]));
  }

  async requests(q: WindowQuery): Promise<RequestWindow> {
    const params: SqlParam[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params, this.store.dialect);
    // A whole service with no filter reads the one-row-a-minute roll-up.
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, requests, errors, latency_count AS "latencyCount", latency_sum AS "latencySum", latency_hist AS hist
      FROM ${table} WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${where} ORDER BY minute`;
    const rows = await this.prepared<RollupRow>(sql).all(...params);
    const out: RequestWindow = { requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: emptyDense(), perMinute: new Map() };
    for (const { minute, requests, errors, latencyCount, latencySum, hist } of rows) {
      out.requests += requests;
      out.errors += errors;
      out.latencyCount += latencyCount;
      out.latencySum += latencySum;
      if (latencyCount > 0) decodeHistogramDense(hist, out.hist);
      const m = out.perMinute.get(minute);
      if (m) {
        m.requests += requests;
        m.errors += errors;
        m.latencyCount += latencyCount;
        m.latencySum += latencySum;
      } else out.perMinute.set(minute, { requests, errors, latencyCount, latencySum });
    }
    return out;
  }

  /** `requests(q).perMinute` without the histograms: for scans that need only counts and mean latency. */
  async minuteTotals(q: WindowQuery): Promise<RequestWindow["perMinute"]> {
    const params: SqlParam[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params, this.store.dialect);
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, requests, errors, latency_count AS "latencyCount", latency_sum AS "latencySum"
      FROM ${table} WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${where} ORDER BY minute`;
    const out: RequestWindow["perMinute"] = new Map();
    for (const { minute, requests, errors, latencyCount, latencySum } of await this.prepared<Omit<RollupRow, "hist">>(sql).all(...params)) {
      const m = out.get(minute);
      if (m) {
        m.requests += requests;
        m.errors += errors;
        m.latencyCount += latencyCount;
        m.latencySum += latencySum;
      } else out.set(minute, { requests, errors, latencyCount, latencySum });
    }
    return out;
  }

  /**
   * Per minute: requests, and requests slower than the given latency bucket (the pre-deploy p95), for the sequential
   * latency test; only minutes with latencies count.
   */
  async exceedanceCounts(q: WindowQuery, thresholdBucket: number): Promise<Map<number, { requests: number; slower: number }>> {
    const out = new Map<number, { requests: number; slower: number }>();
    for (const { minute, count, hist: buf } of await this.latencyRows(q)) {
      const slower = countAbove(buf, thresholdBucket);
      const m = out.get(minute);
      if (m) {
        m.requests += count;
        m.slower += slower;
      } else out.set(minute, { requests: count, slower });
    }
    return out;
  }

  /**
   * The latency histogram of every minute of the window, summed over hosts, versions and routes; with `bucketMinutes`,
   * of every bucket of that many minutes (keyed by its first minute), so a week's chart holds 336 histograms, not 10,080.
   */
  async histogramsPerMinute(q: WindowQuery, bucketMinutes = 1): Promise<Map<number, DenseHistogram>> {
    const out = new Map<number, DenseHistogram>(), step = bucketMinutes * 60_000;
    for (const { minute: at, hist: buf } of await this.latencyRows(q)) {
      const minute = Math.floor(at / step) * step;
      let h = out.get(minute);
      if (!h) out.set(minute, (h = emptyDense()));
      decodeHistogramDense(buf, h);
    }
    return out;
  }

  /** exceedanceCounts and histogramsPerMinute of one window from one read of its rows. */
  async exceedancesAndHistograms(q: WindowQuery, thresholdBucket: number): Promise<{ exceed: Map<number, { requests: number; slower: number }>; hists: Map<number, DenseHistogram> }> {
    const exceed = new Map<number, { requests: number; slower: number }>(), hists = new Map<number, DenseHistogram>();
    for (const { minute, count, hist: buf } of await this.latencyRows(q)) {
      const slower = countAbove(buf, thresholdBucket);
      const m = exceed.get(minute);
      if (m) {
        m.requests += count;
        m.slower += slower;
      } else exceed.set(minute, { requests: count, slower });
      let h = hists.get(minute);
      if (!h) hists.set(minute, (h = emptyDense()));
      decodeHistogramDense(buf, h);
    }
    return { exceed, hists };
  }

  private latencyRows(q: WindowQuery): Promise<LatencyRow[]> {
    const params: SqlParam[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params, this.store.dialect);
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, latency_count AS count, latency_hist AS hist FROM ${table}
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ? AND latency_count > 0${where} ORDER BY minute`;
    return this.prepared<LatencyRow>(sql).all(...params);
  }

  /** The versions that served in a window, with their requests: tells whether old and new versions serve at once. */
  async versionsServing(q: WindowQuery): Promise<Map<string, number>> {
    const params: SqlParam[] = [q.service, q.environment, q.start, q.end];
    const sql = `SELECT version, SUM(requests) AS requests FROM request_rollups
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${filters(q, params, this.store.dialect)} GROUP BY version ORDER BY version`;
    const rows = await this.prepared<{ version: string; requests: number }>(sql).all(...params);
    return new Map(rows.map((r) => [r.version, r.requests]));
  }

  /** The same window split by route, from the detailed roll-up: for comparing routes like with like. */
  requestsByRoute(q: WindowQuery): Promise<Map<string, RequestWindow>> {
    return this.requestsBy("route", q);
  }

  /** The same window split by host: where a change shows. */
  requestsByHost(q: WindowQuery): Promise<Map<string, RequestWindow>> {
    return this.requestsBy("host", q);
  }

  private async requestsBy(dimension: "route" | "host", q: WindowQuery): Promise<Map<string, RequestWindow>> {
    const params: SqlParam[] = [q.service, q.environment, q.start, q.end];
    const sql = `SELECT ${dimension} AS key, requests, errors, latency_count AS "latencyCount", latency_sum AS "latencySum", latency_hist AS hist FROM request_rollups
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${filters(q, params, this.store.dialect)} ORDER BY minute, version, host, route`;
    const rows = await this.prepared<Omit<RollupRow, "minute"> & { key: string }>(sql).all(...params);
    const out = new Map<string, RequestWindow>();
    for (const { key, requests, errors, latencyCount, latencySum, hist } of rows) {
      let w = out.get(key);
      if (!w) out.set(key, (w = { requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: emptyDense(), perMinute: new Map() }));
      w.requests += requests;
      w.errors += errors;
      w.latencyCount += latencyCount;
      w.latencySum += latencySum;
      if (latencyCount > 0) decodeHistogramDense(hist, w.hist);
    }
    return out;
  }

  /** One value per minute (the mean of all its samples over hosts), in time order: for tests that respect autocorrelation. */
  metricSeries(name: string, q: WindowQuery): Promise<{ minute: number; value: number }[]> {
    const params: SqlParam[] = [name, q.service, q.environment, q.start, q.end];
    const sql = `SELECT minute, SUM(sum) / SUM(count) AS value FROM metric_rollups WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ?${filters({ ...q, routeLike: undefined }, params, this.store.dialect)}
      GROUP BY minute ORDER BY minute`;
    return this.prepared<{ minute: number; value: number }>(sql).all(...params);
  }

  async metric(name: string, q: WindowQuery): Promise<MetricWindow> {
    const params: SqlParam[] = [name, q.service, q.environment, q.start, q.end];
    const sql = `SELECT sum, count FROM metric_rollups WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ?${filters({ ...q, routeLike: undefined }, params, this.store.dialect)}
      ORDER BY minute, version, host`;
    const rows = await this.prepared<{ sum: number; count: number }>(sql).all(...params);
    return { points: rows.map((r) => r.sum / r.count), count: rows.length };
  }
}
