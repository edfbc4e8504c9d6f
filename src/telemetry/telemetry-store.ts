import { maintainPartitions } from "../store/pg-partitions.ts";
import type { Statement, Store } from "../store/store.ts";
import { ErrorSignatureWriter, type SignatureBatch } from "./error-signature-writer.ts";
import { deleteInChunks, inSlices, SLICE } from "./event-loop-slices.ts";
import type { LateMinute } from "./ingest-policy.ts";
import type { LogEvent } from "./log-event.ts";
import { LogRollupBuilder, type RollupRow } from "./log-rollup-builder.ts";
import type { MetricSample } from "./metric-sample.ts";
import { greater, lesser } from "./portable-sql.ts";
import { NO_VERSION_WATCH, versionSightings, type VersionSighting, type VersionWatch } from "./version-sightings.ts";

const MINUTE = 60_000;
/** Rows deleted per transaction by the retention job (about 10 ms each). */
const PRUNE_CHUNK = 5000;
/** What retention deletes, and the column that dates each row. */
const PRUNED = [
  ["log_events", "ts"], ["metric_samples", "ts"], ["request_rollups", "minute"], ["service_rollups", "minute"],
  ["metric_rollups", "minute"], ["error_signature_minutes", "minute"], ["error_signatures", "last_seen"], ["late_telemetry", "minute"],
] as const;

/** A roll-up row's counts plus the batch's; columns qualified, as PostgreSQL finds a bare name ambiguous beside excluded. */
const added = (t: string) => `requests = ${t}.requests + excluded.requests, errors = ${t}.errors + excluded.errors,
  latency_count = ${t}.latency_count + excluded.latency_count, latency_sum = ${t}.latency_sum + excluded.latency_sum,
  latency_hist = merge_hist(${t}.latency_hist, excluded.latency_hist)`;

interface MetricRollup {
  name: string; service: string; environment: string; minute: number; version: string; host: string;
  count: number; sum: number; min: number; max: number;
}

/** One log batch with its CPU work done (roll-ups, error kinds): what is left to do is SQL, inside one transaction. */
export interface PreparedLogs {
  events: readonly LogEvent[];
  requestRollups: RollupRow[];
  serviceRollups: RollupRow[];
  signatures: SignatureBatch;
  late: readonly LateMinute[];
  receivedAt: number;
  /** The batch's versions; left out, they are read from `requestRollups`. */
  versions?: readonly VersionSighting[];
}

/**
 * The hot write path: raw rows plus per-minute roll-ups, in one transaction per batch, so a batch is stored
 * whole or not at all. Uses prepared statements directly, because the query builder costs more than SQLite here.
 * A log batch is prepared first (CPU, in slices that let other requests in) and then written (SQL only), so the part
 * that cannot be interrupted is as short as it can be.
 */
export class TelemetryStore {
  private readonly insertLogRows: Statement<unknown>;
  private readonly upsertRequestRollup: Statement<unknown>;
  private readonly upsertServiceRollup: Statement<unknown>;
  private readonly insertSamples: Statement<unknown>;
  private readonly upsertMetricRollup: Statement<unknown>;
  private readonly insertLate: Statement<unknown>;
  // error signatures (issue 11): kinds of error counted in the same transaction as the log events
  private readonly signatures: ErrorSignatureWriter;

  /** `versions`: told of every batch's versions inside its write (new versions open releases). */
  constructor(private readonly store: Store, private readonly versions: VersionWatch = NO_VERSION_WATCH) {
    this.signatures = new ErrorSignatureWriter(store);
    this.insertLogRows = store.statement("INSERT INTO log_events (ts, service, environment, host, version, level, status, latency_ms, route, message, is_error) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    this.upsertRequestRollup = store.statement(
      `INSERT INTO request_rollups (service, environment, minute, version, host, route, requests, errors, latency_count, latency_sum, latency_hist)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (service, environment, minute, version, host, route) DO UPDATE SET ${added("request_rollups")}`,
    );
    this.upsertServiceRollup = store.statement(
      `INSERT INTO service_rollups (service, environment, minute, requests, errors, latency_count, latency_sum, latency_hist)
       VALUES (?,?,?,?,?,?,?,?)
       ON CONFLICT (service, environment, minute) DO UPDATE SET ${added("service_rollups")}`,
    );
    this.insertSamples = store.statement("INSERT INTO metric_samples (name, ts, value, service, environment, host, version, tags) VALUES (?,?,?,?,?,?,?,?)");
    this.insertLate = store.statement(
      "INSERT INTO late_telemetry (service, environment, minute, token_id, token_name, received_at, records) VALUES (?,?,?,?,?,?,?)",
    );
    this.upsertMetricRollup = store.statement(
      `INSERT INTO metric_rollups (name, service, environment, minute, version, host, count, sum, min, max) VALUES (?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (name, service, environment, minute, version, host) DO UPDATE SET
         count = metric_rollups.count + excluded.count, sum = metric_rollups.sum + excluded.sum,
         min = ${lesser("metric_rollups.min", "excluded.min")}, max = ${greater("metric_rollups.max", "excluded.max")}`,
    );
  }

  /** Roll-ups and error kinds of a batch, `slice` events between turns of the event loop. */
  async prepareLogs(events: readonly LogEvent[], late: readonly LateMinute[] = [], receivedAt = 0, slice = SLICE): Promise<PreparedLogs> {
    const rollups = new LogRollupBuilder();
    const signatures = await this.signatures.tally(events);
    await inSlices(events.length, slice, (from, to) => {
      for (let i = from; i < to; i++) {
        rollups.add(events[i]!);
        signatures.add(events[i]!);
      }
    });
    const rows = rollups.rows();
    return { events, ...rows, signatures: signatures.batch(), late, receivedAt, versions: versionSightings(rows.requestRollups) };
  }

  /** SQL only, in one transaction (a savepoint inside the caller's write): the batch is stored whole or not at all. */
  async writeLogs(p: PreparedLogs): Promise<void> {
    await this.store.write(async () => {
      // runMany: one prepared row at a time on SQLite (no round trips), thousands of rows a statement on PostgreSQL.
      await this.insertLogRows.runMany(p.events.map((e) => [e.ts, e.service, e.environment, e.host ?? null, e.version ?? null, e.level ?? null, e.status ?? null, e.latencyMs ?? null, e.route ?? null, e.message ?? null, e.isError ? 1 : 0]));
      // One row per key in a batch (the builder merged them), so a multi-row upsert never meets its own key twice.
      await this.upsertRequestRollup.runMany(p.requestRollups.map((r) => [r.service, r.environment, r.minute, r.version, r.host, r.route, r.requests, r.errors, r.latencyCount, r.latencySum, r.hist]));
      await this.upsertServiceRollup.runMany(p.serviceRollups.map((r) => [r.service, r.environment, r.minute, r.requests, r.errors, r.latencyCount, r.latencySum, r.hist]));
      await this.signatures.write(p.signatures);
      await this.writeLate(p.late, p.receivedAt);
      await this.versions.seen(p.versions ?? versionSightings(p.requestRollups));
    });
  }

  /** Prepare and write at once, for callers with small batches (tests, imports); `late`: see src/telemetry/ingest-policy.ts. */
  async insertLogs(events: readonly LogEvent[], late: readonly LateMinute[] = [], receivedAt = 0): Promise<void> {
    const rollups = new LogRollupBuilder();
    const signatures = await this.signatures.tally(events);
    for (const e of events) {
      rollups.add(e);
      signatures.add(e);
    }
    await this.writeLogs({ events, ...rollups.rows(), signatures: signatures.batch(), late, receivedAt });
  }

  async insertMetrics(samples: MetricSample[], late: readonly LateMinute[] = [], receivedAt = 0): Promise<void> {
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
    const versions = versionSightings(rollups.values());
    await this.store.write(async () => {
      await this.insertSamples.runMany(samples.map((s) => [s.name, s.ts, s.value, s.service, s.environment, s.host ?? null, s.version ?? null, s.tags ? JSON.stringify(s.tags) : null]));
      await this.upsertMetricRollup.runMany([...rollups.values()].map((r) => [r.name, r.service, r.environment, r.minute, r.version, r.host, r.count, r.sum, r.min, r.max]));
      await this.writeLate(late, receivedAt);
      await this.versions.seen(versions);
    });
  }

  private async writeLate(late: readonly LateMinute[], receivedAt: number): Promise<void> {
    for (const m of late) await this.insertLate.run(m.service, m.environment, m.minute, m.tokenId, m.tokenName, receivedAt, m.records);
  }

  /**
   * Deletes raw rows and roll-ups older than the cut-off, at most `chunk` rows per transaction and yielding to the event
   * loop between chunks, so a million old rows never hold a request for long. Returns how many rows went.
   */
  async prune(before: number, chunk = PRUNE_CHUNK): Promise<number> {
    // PostgreSQL: whole days of raw telemetry go as partitions; the rows left (the partial day, DEFAULT) as below.
    await maintainPartitions(this.store, Date.now(), before);
    let n = 0;
    for (const [table, column] of PRUNED) {
      // The physical row id: SQLite's rowid, PostgreSQL's ctid (neither has DELETE … LIMIT in every build).
      const id = this.store.dialect === "postgres" ? "ctid" : "rowid";
      const del = this.store.statement(`DELETE FROM ${table} WHERE ${id} IN (SELECT ${id} FROM ${table} WHERE ${column} < ? LIMIT ?)`);
      n += await deleteInChunks(this.store, del, [before], chunk);
    }
    return n;
  }
}

