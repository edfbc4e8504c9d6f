import type { Db } from "../store/db.ts";
import { decodeHistogramInto, type Histogram } from "./latency-histogram.ts";

export interface WindowQuery {
  service: string;
  environment: string;
  start: number;
  end: number;
  /** Only these hosts / this version / routes matching this SQL LIKE pattern, when given. */
  hosts?: readonly string[];
  version?: string;
  routeLike?: string;
}

export interface RequestWindow {
  requests: number;
  errors: number;
  latencyCount: number;
  latencySum: number;
  hist: Histogram;
  /** Requests and errors per minute, for charts and change-point detection. */
  perMinute: Map<number, { requests: number; errors: number }>;
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
  if (q.version !== undefined) {
    sql += " AND version = ?";
    params.push(q.version);
  }
  if (q.routeLike !== undefined) {
    sql += " AND route LIKE ?";
    params.push(q.routeLike);
  }
  return sql;
}

/** Reads release windows from the per-minute roll-ups: [start, end) in whole minutes. */
export class WindowReader {
  constructor(private readonly db: Db) {}

  requests(q: WindowQuery): RequestWindow {
    const params: unknown[] = [q.service, q.environment, q.start, q.end];
    const sql = `SELECT minute, requests, errors, latency_count AS latencyCount, latency_sum AS latencySum, latency_hist AS hist
      FROM request_rollups WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?${filters(q, params)}`;
    const rows = this.db.$client.prepare(sql).all(...params) as {
      minute: number; requests: number; errors: number; latencyCount: number; latencySum: number; hist: string;
    }[];
    const out: RequestWindow = { requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: new Map(), perMinute: new Map() };
    for (const r of rows) {
      out.requests += r.requests;
      out.errors += r.errors;
      out.latencyCount += r.latencyCount;
      out.latencySum += r.latencySum;
      if (r.latencyCount > 0) decodeHistogramInto(r.hist, out.hist);
      const m = out.perMinute.get(r.minute) ?? { requests: 0, errors: 0 };
      m.requests += r.requests;
      m.errors += r.errors;
      out.perMinute.set(r.minute, m);
    }
    return out;
  }

  metric(name: string, q: WindowQuery): MetricWindow {
    const params: unknown[] = [name, q.service, q.environment, q.start, q.end];
    const sql = `SELECT sum, count FROM metric_rollups WHERE name = ? AND service = ? AND environment = ? AND minute >= ? AND minute < ?${filters({ ...q, routeLike: undefined }, params)}`;
    const rows = this.db.$client.prepare(sql).all(...params) as { sum: number; count: number }[];
    return { points: rows.map((r) => r.sum / r.count), count: rows.length };
  }
}
