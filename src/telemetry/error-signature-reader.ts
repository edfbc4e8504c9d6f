import type { HistoryKind, NewKind } from "../analysis/new-signatures.ts";
import type { Statement, Store } from "../store/store.ts";

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
  private readonly newKindsQuery: Statement<NewKind>;
  private readonly historyKindsQuery: Statement<HistoryKind>;
  private readonly requestsQuery: Statement<{ minute: number; requests: number }>;
  private readonly releasesQuery: Statement<{ start: number; end: number | null }>;

  // `?` placeholders in order (the Store takes no named parameters); the parameter lists below follow them.
  constructor(store: Store) {
    this.newKindsQuery = store.statement(
      `SELECT m.fingerprint AS fingerprint, s.template AS template, s.sample AS sample, SUM(m.count) AS events,
         COUNT(DISTINCT NULLIF(m.host, '')) AS hosts, MIN(m.minute) AS "firstSeen"
       FROM error_signature_minutes m
       JOIN error_signatures s ON s.service = m.service AND s.environment = m.environment AND s.fingerprint = m.fingerprint
       WHERE m.service = ? AND m.environment = ? AND m.minute >= ? AND m.minute < ?
         AND NOT EXISTS (SELECT 1 FROM error_signature_minutes p WHERE p.service = m.service AND p.environment = m.environment
           AND p.fingerprint = m.fingerprint AND p.minute >= ? AND p.minute < ?)
       GROUP BY m.fingerprint, s.template, s.sample ORDER BY events DESC, m.fingerprint`,
    );
    this.historyKindsQuery = store.statement(
      `WITH firsts AS (
         SELECT fingerprint, MIN(minute) AS first FROM error_signature_minutes
         WHERE service = ? AND environment = ? AND minute >= ? AND minute < ? GROUP BY fingerprint)
       SELECT f.fingerprint AS fingerprint, f.first AS "firstSeen", SUM(m.count) AS events FROM firsts f
       JOIN error_signature_minutes m ON m.service = ? AND m.environment = ? AND m.fingerprint = f.fingerprint
         AND m.minute >= f.first AND m.minute < f.first + ? AND m.minute < ?
       GROUP BY f.fingerprint, f.first ORDER BY f.fingerprint`,
    );
    this.requestsQuery = store.statement(
      "SELECT minute, requests FROM service_rollups WHERE service = ? AND environment = ? AND minute >= ? AND minute < ?",
    );
    this.releasesQuery = store.statement(
      `SELECT deploy_started_at AS start, coalesce(decided_at, analysis_end, deploy_finished_at) AS "end" FROM releases
       WHERE service = ? AND environment = ? AND deploy_started_at IS NOT NULL AND deploy_started_at < ? AND deploy_started_at >= CAST(? AS bigint) - 86400000
         AND version <> ?`,
    );
  }

  /** Kinds with events in the candidate window and none in the lookback, most events first. */
  newKinds(w: SignatureWindows): Promise<NewKind[]> {
    const { service, environment, lookbackStart, deployStart, candidateStart, candidateEnd } = this.window(w);
    return this.newKindsQuery.all(service, environment, candidateStart, candidateEnd, lookbackStart, deployStart);
  }

  /** Each kind's first minute in the lookback and its events in the following `windowMinutes` (before the deploy). */
  historyKinds(w: SignatureWindows, windowMinutes: number): Promise<HistoryKind[]> {
    const { service, environment, lookbackStart, deployStart } = this.window(w);
    return this.historyKindsQuery.all(service, environment, lookbackStart, deployStart, service, environment, windowMinutes * MINUTE, deployStart);
  }

  /** Requests per minute over [start, end), dense, silent minutes as 0. */
  async requestsPerMinute(service: string, environment: string, start: number, end: number): Promise<number[]> {
    const out = new Array<number>(Math.max(0, Math.round((end - start) / MINUTE))).fill(0);
    for (const r of await this.requestsQuery.all(service, environment, start, end)) {
      const i = Math.round((r.minute - start) / MINUTE);
      if (i >= 0 && i < out.length) out[i] = r.requests;
    }
    return out;
  }

  /** Other releases of the service in the lookback, from deploy start to their verdict (or an hour when undecided). */
  async releaseWindows(service: string, environment: string, version: string, start: number, end: number): Promise<{ start: number; end: number }[]> {
    const rows = await this.releasesQuery.all(service, environment, end, start, version);
    return rows.map((r) => ({ start: r.start, end: Math.max(r.end ?? 0, r.start + 60 * MINUTE) })).filter((r) => r.end > start);
  }

  private window(w: SignatureWindows) {
    const floor = (t: number) => Math.floor(t / MINUTE) * MINUTE;
    return { service: w.service, environment: w.environment, lookbackStart: floor(w.lookbackStart), deployStart: floor(w.deployStart), candidateStart: floor(w.candidateStart), candidateEnd: w.candidateEnd };
  }
}
