import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.ts";
import { decodeHistogramDense, emptyDense, type DenseHistogram } from "./latency-histogram.ts";

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

function filters(q: WindowQuery, params: unknown[]): string {
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
    sql += " AND route LIKE ?";
    params.push(q.routeLike);
  }
  return sql;
}

/** Reads release windows from the per-minute roll-ups: [start, end) in whole minutes. */
export class WindowReader {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  private prepared(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.$client.prepare(sql);
      if (this.statements.size < 200) this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** Requests and errors per minute start (ms), without latency: long spans such as the hours before a baseline. */
  requestCounts(q: WindowQuery): Map<number, { requests: number; errors: number }> {
    const params: unknown[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params);
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, SUM(requests), SUM(errors) FROM ${table}
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${where} GROUP BY minute`;
    const rows = this.prepared(sql).raw(true).all(...params) as [number, number, number][];
    return new Map(rows.map(([minute, requests, errors]) => [minute, { requests, errors }]));
  }

  requests(q: WindowQuery): RequestWindow {
    const params: unknown[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params);
    // A whole service with no filter reads the one-row-a-minute roll-up.
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, requests, errors, latency_count AS latencyCount, latency_sum AS latencySum, latency_hist AS hist
      FROM ${table} WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${where}`;
    // Arrays, not objects: a window is 60–1,000 rows and row objects were half the cost of reading it.
    const rows = this.prepared(sql).raw(true).all(...params) as [number, number, number, number, number, Buffer][];
    const out: RequestWindow = { requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: emptyDense(), perMinute: new Map() };
    for (const [minute, requests, errors, latencyCount, latencySum, hist] of rows) {
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

  /**
   * Per minute: requests, and requests slower than the given latency bucket (the pre-deploy p95), for the sequential
   * latency test; only minutes with latencies count.
   */
  exceedanceCounts(q: WindowQuery, thresholdBucket: number): Map<number, { requests: number; slower: number }> {
    const out = new Map<number, { requests: number; slower: number }>();
    const hist = emptyDense();
    for (const [minute, count, buf] of this.latencyRows(q)) {
      hist.fill(0);
      decodeHistogramDense(buf, hist);
      let slower = 0;
      for (let b = thresholdBucket + 1; b < hist.length; b++) slower += hist[b]!;
      const m = out.get(minute);
      if (m) {
        m.requests += count;
        m.slower += slower;
      } else out.set(minute, { requests: count, slower });
    }
    return out;
  }

  /** The latency histogram of every minute of the window, summed over hosts, versions and routes. */
  histogramsPerMinute(q: WindowQuery): Map<number, DenseHistogram> {
    const out = new Map<number, DenseHistogram>();
    for (const [minute, , buf] of this.latencyRows(q)) {
      let h = out.get(minute);
      if (!h) out.set(minute, (h = emptyDense()));
      decodeHistogramDense(buf, h);
    }
    return out;
  }

  private latencyRows(q: WindowQuery): [number, number, Buffer][] {
    const params: unknown[] = [q.service, q.environment, q.start, q.end];
    const where = filters(q, params);
    const table = where === "" ? "service_rollups" : "request_rollups";
    const sql = `SELECT minute, latency_count, latency_hist FROM ${table}
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ? AND latency_count > 0${where}`;
    return this.prepared(sql).raw(true).all(...params) as [number, number, Buffer][];
  }

  /** The versions that served in a window, with their requests: tells whether old and new versions serve at once. */
  versionsServing(q: WindowQuery): Map<string, number> {
    const params: unknown[] = [q.service, q.environment, q.start, q.end];
    const sql = `SELECT version, SUM(requests) FROM request_rollups
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${filters(q, params)} GROUP BY version`;
    const rows = this.prepared(sql).raw(true).all(...params) as [string, number][];
    return new Map(rows);
  }

  /** The same window split by route, from the detailed roll-up: for comparing routes like with like. */
  requestsByRoute(q: WindowQuery): Map<string, RequestWindow> {
    return this.requestsBy("route", q);
  }

  /** The same window split by host: where a change shows. */
  requestsByHost(q: WindowQuery): Map<string, RequestWindow> {
    return this.requestsBy("host", q);
  }

  private requestsBy(dimension: "route" | "host", q: WindowQuery): Map<string, RequestWindow> {
    const params: unknown[] = [q.service, q.environment, q.start, q.end];
    const sql = `SELECT ${dimension}, requests, errors, latency_count, latency_sum, latency_hist FROM request_rollups
      WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${filters(q, params)}`;
    const rows = this.prepared(sql).raw(true).all(...params) as [string, number, number, number, number, Buffer][];
    const out = new Map<string, RequestWindow>();
    for (const [key, requests, errors, latencyCount, latencySum, hist] of rows) {
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
  metricSeries(name: string, q: WindowQuery): { minute: number; value: number }[] {
    const params: unknown[] = [name, q.service, q.environment, q.start, q.end];
    const sql = `SELECT minute, SUM(sum) / SUM(count) FROM metric_rollups WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ?${filters({ ...q, routeLike: undefined }, params)}
      GROUP BY minute ORDER BY minute`;
    const rows = this.prepared(sql).raw(true).all(...params) as [number, number][];
    return rows.map(([minute, value]) => ({ minute, value }));
  }

  metric(name: string, q: WindowQuery): MetricWindow {
    const params: unknown[] = [name, q.service, q.environment, q.start, q.end];
    const sql = `SELECT sum, count FROM metric_rollups WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ?${filters({ ...q, routeLike: undefined }, params)}`;
    const rows = this.prepared(sql).all(...params) as { sum: number; count: number }[];
    return { points: rows.map((r) => r.sum / r.count), count: rows.length };
  }
}
