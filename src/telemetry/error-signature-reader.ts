import type { Statement } from "better-sqlite3";
import type { HistoryKind, NewKind } from "../analysis/new-signatures.ts";
import type { Db } from "../store/db.ts";

const MINUTE = 60_000;

export interface SignatureWindows {
  service: string;
  environment: string;
  /** Epoch ms: the lookback is [lookbackStart, deployStart); the candidate window is [candidateStart, candidateEnd). */
  lookbackStart: number;
  deployStart: number;
  candidateStart: number;
  candidateEnd: number;
}

/** Reads what the new-kinds test needs from error_signatures, error_signature_minutes, service_rollups and releases. */
export class ErrorSignatureReader {
  private readonly newKindsQuery: Statement;
  private readonly historyKindsQuery: Statement;
  private readonly requestsQuery: Statement;
  private readonly releasesQuery: Statement;

  constructor(db: Db) {
    const sqlite = db.$client;
    this.newKindsQuery = sqlite.prepare(
      `SELECT m.fingerprint AS fingerprint, s.template AS template, s.sample AS sample, SUM(m.count) AS events,
         COUNT(DISTINCT NULLIF(m.host, '')) AS hosts, MIN(m.minute) AS firstSeen
       FROM error_signature_minutes m
       JOIN error_signatures s ON s.service = m.service AND s.environment = m.environment AND s.fingerprint = m.fingerprint
       WHERE m.service = @service AND m.environment = @environment AND m.minute >= @candidateStart AND m.minute < @candidateEnd
         AND NOT EXISTS (SELECT 1 FROM error_signature_minutes p WHERE p.service = m.service AND p.environment = m.environment
           AND p.fingerprint = m.fingerprint AND p.minute >= @lookbackStart AND p.minute < @deployStart)
       GROUP BY m.fingerprint ORDER BY events DESC, m.fingerprint`,
    );
    this.historyKindsQuery = sqlite.prepare(
      `WITH firsts AS (
         SELECT fingerprint, MIN(minute) AS first FROM error_signature_minutes
         WHERE service = @service AND environment = @environment AND minute >= @lookbackStart AND minute < @deployStart GROUP BY fingerprint)
       SELECT f.fingerprint AS fingerprint, f.first AS firstSeen, SUM(m.count) AS events FROM firsts f
       JOIN error_signature_minutes m ON m.service = @service AND m.environment = @environment AND m.fingerprint = f.fingerprint
         AND m.minute >= f.first AND m.minute < min(f.first + @windowMs, @deployStart)
       GROUP BY f.fingerprint ORDER BY f.fingerprint`,
    );
    this.requestsQuery = sqlite.prepare(
      "SELECT minute, requests FROM service_rollups WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?",
    );
    this.releasesQuery = sqlite.prepare(
      `SELECT deploy_started_at AS start, coalesce(decided_at, analysis_end, deploy_finished_at) AS end FROM releases
       WHERE service = ? AND environment = ? AND deploy_started_at IS NOT NULL AND deploy_started_at < ? AND deploy_started_at >= ? - 86400000
         AND version <> ?`,
    );
  }

  /** Kinds with events in the candidate window and none in the lookback, most events first. */
  newKinds(w: SignatureWindows): NewKind[] {
    return this.newKindsQuery.all(this.window(w)) as NewKind[];
  }

  /** Each kind's first minute in the lookback and its events in the following `windowMinutes` (before the deploy). */
  historyKinds(w: SignatureWindows, windowMinutes: number): HistoryKind[] {
    const { service, environment, lookbackStart, deployStart } = this.window(w);
    return this.historyKindsQuery.all({ service, environment, lookbackStart, deployStart, windowMs: windowMinutes * MINUTE }) as HistoryKind[];
  }

  /** Requests per minute over [start, end), dense, silent minutes as 0. */
  requestsPerMinute(service: string, environment: string, start: number, end: number): number[] {
    const out = new Array<number>(Math.max(0, Math.round((end - start) / MINUTE))).fill(0);
    for (const r of this.requestsQuery.iterate(service, environment, start, end) as Iterable<{ minute: number; requests: number }>) {
      const i = Math.round((r.minute - start) / MINUTE);
      if (i >= 0 && i < out.length) out[i] = r.requests;
    }
    return out;
  }

  /** Other releases of the service in the lookback, from deploy start to their verdict (or an hour when undecided). */
  releaseWindows(service: string, environment: string, version: string, start: number, end: number): { start: number; end: number }[] {
    const rows = this.releasesQuery.all(service, environment, end, start, version) as { start: number; end: number | null }[];
    return rows.map((r) => ({ start: r.start, end: Math.max(r.end ?? 0, r.start + 60 * MINUTE) })).filter((r) => r.end > start);
  }

  private window(w: SignatureWindows) {
    const floor = (t: number) => Math.floor(t / MINUTE) * MINUTE;
    return { service: w.service, environment: w.environment, lookbackStart: floor(w.lookbackStart), deployStart: floor(w.deployStart), candidateStart: floor(w.candidateStart), candidateEnd: w.candidateEnd };
  }
}
