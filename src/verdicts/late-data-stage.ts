import type { AuditLog } from "../decisions/audit-log.ts";
import type { Statement, Store } from "../store/store.ts";
import type { FinalVerdict, FinalVerdictStage, ReleaseIdentity } from "./verdict-types.ts";
import type { LateData } from "./verdict.ts";

type Range = [number, number];

/**
 * Counts the records of a final verdict's windows that arrived after their minute had closed (written with the backfill
 * scope, src/telemetry/ingest-policy.ts), names the tokens that wrote them, and puts both in the verdict and the audit
 * log, so forged or late data behind a verdict is visible.
 */
export class LateDataStage implements FinalVerdictStage {
  /** By the number of windows (one or two): one statement for all of them, so a verdict costs one round trip here. */
  private readonly late: Statement<{ id: string; name: string; records: number }>[];
  private readonly totals: Statement<{ n: number }>[];

  constructor(store: Store, private readonly audit: AuditLog) {
    const where = "service = ? AND environment = ? AND minute >= ? AND minute < ?";
    // Windows in time order, each one's tokens in the order GROUP BY gives them: as they were read window by window.
    const late = (windows: number) => Array.from({ length: windows }, () =>
      `SELECT token_id AS id, token_name AS name, SUM(records) AS records FROM late_telemetry WHERE ${where} GROUP BY token_id, token_name`).join(" UNION ALL ");
    const totals = (windows: number) => `SELECT ${Array.from({ length: windows }, () =>
      `(SELECT COALESCE(SUM(requests), 0) FROM service_rollups WHERE ${where}) + (SELECT COALESCE(SUM(count), 0) FROM metric_rollups WHERE ${where})`).join(" + ")} AS n`;
    this.late = [late(1), late(2)].map((sql) => store.statement(sql));
    this.totals = [totals(1), totals(2)].map((sql) => store.statement<{ n: number }>(sql));
  }

  async complete(release: ReleaseIdentity, verdict: FinalVerdict): Promise<FinalVerdict> {
    const late_data = await this.measure(release, windowsOf(verdict));
    if (late_data.records > 0) {
      const by = late_data.tokens.map((t) => `'${t.name}' (${t.id}): ${t.records}`).join(", ");
      const share = `${(late_data.share * 100).toFixed(late_data.share < 0.01 ? 2 : 1)} %`;
      await this.audit.record("late_data", release, "deploy-guard",
        `The final verdict (${verdict.status}) counted ${late_data.records} records (${share} of its data) that arrived after their minute closed, written by ${by}.`,
        { verdict_status: verdict.status, ...late_data });
    }
    return { ...verdict, late_data };
  }

  private async measure(release: ReleaseIdentity, ranges: Range[]): Promise<LateData> {
    if (ranges.length === 0) return { records: 0, share: 0, tokens: [] };
    const tokens = new Map<string, { id: string; name: string; records: number }>();
    const params = (twice: boolean) => ranges.flatMap(([from, to]) => (twice ? [release.service, release.environment, from, to] : []).concat([release.service, release.environment, from, to]));
    for (const row of await this.late[ranges.length - 1]!.all(...params(false))) {
      const t = tokens.get(row.id) ?? { id: row.id, name: row.name, records: 0 };
      t.records += row.records;
      tokens.set(row.id, t);
    }
    const records = [...tokens.values()].reduce((n, t) => n + t.records, 0);
    if (records === 0) return { records: 0, share: 0, tokens: [] };
    // The totals are read only when there is late data: metric roll-ups are keyed by name first, so this scans them.
    const total = Number((await this.totals[ranges.length - 1]!.get(...params(true)))!.n);
    return { records, share: total > 0 ? Math.min(1, records / total) : 1, tokens: [...tokens.values()].sort((a, b) => b.records - a.records) };
  }
}

function windowsOf(v: FinalVerdict): Range[] {
  const out: Range[] = [];
  const { baseline, analysis } = v.windows ?? {};
  if (baseline?.start && baseline.end) out.push([Date.parse(baseline.start), Date.parse(baseline.end)]);
  if (analysis?.start && analysis.end) out.push([Date.parse(analysis.start), Date.parse(analysis.end)]);
  const valid = out.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b > a).sort((x, y) => x[0] - y[0]);
  // Overlapping windows are counted once.
  const merged: Range[] = [];
  for (const r of valid) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}
