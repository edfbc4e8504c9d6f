import type { Store } from "../store/store.ts";

/** How an observe-mode rule has voted so far: what an enforcing rule would have answered, release by release. */
export interface ObserveRecord {
  rule: string;
  judged: number;
  would_have: { pass: number; warn: number; fail: number; hold: number };
}

/**
 * The observe record of each rule from the verdicts stored since `since` (the releases it judged in observe mode), so a
 * team can promote a rule to enforce once its would-have-failed count looks right (`deploy-guard rules check --db`).
 */
export async function observeRecords(store: Store, since: number): Promise<ObserveRecord[]> {
  // The verdict is JSON text on both; only the way into it differs.
  const [would, observe] = store.dialect === "postgres"
    ? ["(verdict::json ->> 'would_have')", "(verdict::json ->> 'observe') = 'true'"]
    : ["json_extract(verdict, '$.would_have')", "json_extract(verdict, '$.observe') = 1"];
  const rows = await store.statement<{ rule: string; would: string | null; n: number }>(`SELECT rule_name AS rule, ${would} AS would, count(*) AS n FROM releases
    WHERE decided_at >= ? AND ${observe} AND rule_name IS NOT NULL GROUP BY rule_name, ${would} ORDER BY rule_name`)
    .all(since);
  const records = new Map<string, ObserveRecord>();
  for (const r of rows) {
    const record = records.get(r.rule) ?? { rule: r.rule, judged: 0, would_have: { pass: 0, warn: 0, fail: 0, hold: 0 } };
    record.judged += r.n;
    if (r.would === "pass" || r.would === "warn" || r.would === "fail" || r.would === "hold") record.would_have[r.would] += r.n;
    records.set(r.rule, record);
  }
  return [...records.values()];
}

export function formatObserveRecord(r: ObserveRecord): string {
  const w = r.would_have;
  return `observe  ${r.rule}: ${r.judged} release(s) judged; would have failed ${w.fail}, held ${w.hold}, warned ${w.warn}, passed ${w.pass}`;
}
