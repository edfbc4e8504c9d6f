import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.ts";
import { ErrorSignatureWriter } from "./error-signature-writer.ts";
import { bucketOf, encodeHistogram, type Histogram } from "./latency-histogram.ts";
import type { LateMinute } from "./ingest-policy.ts";
import type { LogEvent } from "./log-event.ts";
import type { MetricSample } from "./metric-sample.ts";

const MINUTE = 60_000;
/** Rows deleted per transaction by the retention job (about 10 ms each). */
const PRUNE_CHUNK = 5000;
/** What retention deletes, and the column that dates each row. */
const PRUNED = [
  ["log_events", "ts"], ["metric_samples", "ts"], ["request_rollups", "minute"], ["service_rollups", "minute"],
  ["metric_rollups", "minute"], ["error_signature_minutes", "minute"], ["error_signatures", "last_seen"], ["late_telemetry", "minute"],
] as const;

interface RequestRollup {
  service: string; environment: string; minute: number; version: string; host: string; route: string;
  requests: number; errors: number; latencyCount: number; latencySum: number; hist: Histogram;
}

interface MetricRollup {
  name: string; service: string; environment: string; minute: number; version: string; host: string;
  count: number; sum: number; min: number; max: number;
}

function rollupFor(map: Map<string, RequestRollup>, key: string, e: LogEvent, minute: number, version: string, host: string, route: string): RequestRollup {
  let r = map.get(key);
  if (!r) {
    r = { service: e.service, environment: e.environment, minute, version, host, route, requests: 0, errors: 0, latencyCount: 0, latencySum: 0, hist: new Map() };
    map.set(key, r);
  }
  return r;
}

function add(r: RequestRollup, e: LogEvent, bucket: number | undefined): void {
  r.requests++;
  if (e.isError) r.errors++;
  if (bucket !== undefined) {
    r.latencyCount++;
    r.latencySum += e.latencyMs!;
    r.hist.set(bucket, (r.hist.get(bucket) ?? 0) + 1);
  }
}

/**
 * The hot write path: raw rows plus per-minute roll-ups, in one transaction per batch, so a batch is stored
 * whole or not at all. Uses prepared statements directly, because the query builder costs more than SQLite here.
 */
export class TelemetryStore {
  private readonly insertLog: Statement;
  private readonly upsertRequestRollup: Statement;
  private readonly upsertServiceRollup: Statement;
  private readonly insertSample: Statement;
  private readonly upsertMetricRollup: Statement;
  private readonly insertLate: Statement;
  // error signatures (issue 11): kinds of error counted in the same transaction as the log events
  private readonly signatures: ErrorSignatureWriter;

  constructor(private readonly db: Db) {
    const sqlite = db.$client;
    this.signatures = new ErrorSignatureWriter(db);
    this.insertLog = sqlite.prepare(
      "INSERT INTO log_events (ts, service, environment, host, version, level, status, latency_ms, route, message, is_error) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    );
    this.upsertRequestRollup = sqlite.prepare(
      `INSERT INTO request_rollups (service, environment, minute, version, host, route, requests, errors, latency_count, latency_sum, latency_hist)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors,
         latency_count = latency_count + excluded.latency_count, latency_sum = latency_sum + excluded.latency_sum,
         latency_hist = merge_hist(latency_hist, excluded.latency_hist)`,
    );
    this.upsertServiceRollup = sqlite.prepare(
      `INSERT INTO service_rollups (service, environment, minute, requests, errors, latency_count, latency_sum, latency_hist)
       VALUES (?,?,?,?,?,?,?,?)
       ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, errors = errors + excluded.errors,
         latency_count = latency_count + excluded.latency_count, latency_sum = latency_sum + excluded.latency_sum,
         latency_hist = merge_hist(latency_hist, excluded.latency_hist)`,
    );
    this.insertSample = sqlite.prepare(
      "INSERT INTO metric_samples (name, ts, value, service, environment, host, version, tags) VALUES (?,?,?,?,?,?,?,?)",
    );
    this.insertLate = sqlite.prepare(
      "INSERT INTO late_telemetry (service, environment, minute, token_id, token_name, received_at, records) VALUES (?,?,?,?,?,?,?)",
    );
    this.upsertMetricRollup = sqlite.prepare(
      `INSERT INTO metric_rollups (name, service, environment, minute, version, host, count, sum, min, max) VALUES (?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum,
         min = min(min, excluded.min), max = max(max, excluded.max)`,
    );
  }

  /** `late`: which token wrote into minutes past their grace (src/telemetry/ingest-policy.ts), stored with the batch. */
  insertLogs(events: LogEvent[], late: readonly LateMinute[] = [], receivedAt = 0): void {
    const detailed = new Map<string, RequestRollup>();
    const perService = new Map<string, RequestRollup>();
    for (const e of events) {
      const minute = Math.floor(e.ts / MINUTE) * MINUTE;
      const version = e.version ?? "", host = e.host ?? "", route = e.route ?? "";
      const serviceKey = `${e.service}\u0000${e.environment}\u0000${minute}`;
      const bucket = e.latencyMs === undefined ? undefined : bucketOf(e.latencyMs);
      add(rollupFor(detailed, `${serviceKey}\u0000${version}\u0000${host}\u0000${route}`, e, minute, version, host, route), e, bucket);
      add(rollupFor(perService, serviceKey, e, minute, "", "", ""), e, bucket);
    }
    const signatureBatch = this.signatures.prepare(events);
    this.db.$client.transaction(() => {
      for (const e of events) {
        this.insertLog.run(e.ts, e.service, e.environment, e.host ?? null, e.version ?? null, e.level ?? null, e.status ?? null, e.latencyMs ?? null, e.route ?? null, e.message ?? null, e.isError ? 1 : 0);
      }
      for (const r of detailed.values()) {
        this.upsertRequestRollup.run(r.service, r.environment, r.minute, r.version, r.host, r.route, r.requests, r.errors, r.latencyCount, r.latencySum, encodeHistogram(r.hist));
      }
      for (const r of perService.values()) {
        this.upsertServiceRollup.run(r.service, r.environment, r.minute, r.requests, r.errors, r.latencyCount, r.latencySum, encodeHistogram(r.hist));
      }
      this.signatures.write(signatureBatch);
      this.writeLate(late, receivedAt);
    })();
  }

  insertMetrics(samples: MetricSample[], late: readonly LateMinute[] = [], receivedAt = 0): void {
    const rollups = new Map<string, MetricRollup>();
    for (const s of samples) {
      const minute = Math.floor(s.ts / MINUTE) * MINUTE;
      const version = s.version ?? "", host = s.host ?? "";
      const key = `${s.name}\u0000${s.service}\u0000${s.environment}\u0000${minute}\u0000${version}\u0000${host}`;
      const r = rollups.get(key);
      if (!r) rollups.set(key, { name: s.name, service: s.service, environment: s.environment, minute, version, host, count: 1, sum: s.value, min: s.value, max: s.value });
      else {
        r.count++;
        r.sum += s.value;
        r.min = Math.min(r.min, s.value);
        r.max = Math.max(r.max, s.value);
      }
    }
    this.db.$client.transaction(() => {
      for (const s of samples) {
        this.insertSample.run(s.name, s.ts, s.value, s.service, s.environment, s.host ?? null, s.version ?? null, s.tags ? JSON.stringify(s.tags) : null);
      }
      for (const r of rollups.values()) {
        this.upsertMetricRollup.run(r.name, r.service, r.environment, r.minute, r.version, r.host, r.count, r.sum, r.min, r.max);
      }
      this.writeLate(late, receivedAt);
    })();
  }

  private writeLate(late: readonly LateMinute[], receivedAt: number): void {
    for (const m of late) this.insertLate.run(m.service, m.environment, m.minute, m.tokenId, m.tokenName, receivedAt, m.records);
  }

  /**
   * Deletes raw rows and roll-ups older than the cut-off, at most `chunk` rows per transaction and yielding to the event
   * loop between chunks, so a million old rows never hold a request for long. Returns how many rows went.
   */
  async prune(before: number, chunk = PRUNE_CHUNK): Promise<number> {
    let n = 0;
    for (const [table, column] of PRUNED) {
      const del = this.db.$client.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ?)`);
      for (;;) {
        const changes = del.run(before, chunk).changes;
        n += changes;
        if (changes < chunk) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return n;
  }
}
