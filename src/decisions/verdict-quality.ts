import type { Statement, Store } from "../store/store.ts";
import type { DecisionFeedback } from "./decision-overlay.ts";

export interface RuleQuality {
  rule: string;
  /** Final engine verdicts of the service under this rule, by status. */
  verdicts: { pass: number; warn: number; fail: number; hold: number; total: number };
  /** Fails an operator marked false_fail. */
  false_fails: number;
  /** Passes and warns an operator marked missed_regression. */
  missed_regressions: number;
  /** false_fails / fails; null before the first fail. */
  false_fail_rate: number | null;
  /** missed_regressions / (passes + warns); null before the first pass or warn. */
  miss_rate: number | null;
}

export interface VerdictMark {
  release_id: string;
  version: string;
  rule: string;
  engine_status: string;
  feedback: DecisionFeedback;
  by: string;
  at: string;
  reason: string;
}

export interface QualityReport {
  service: string;
  environment: string;
  rules: RuleQuality[];
  /** Newest first, at most 100. */
  marks: VerdictMark[];
}

interface CountRow {
  rule: string;
  status: "pass" | "warn" | "fail" | "hold";
  n: number;
  falseFails: number;
  missed: number;
}

// A mark counts only where it makes sense today: a verdict judged again since may no longer be the fail it was.
const MARKED = (feedback: DecisionFeedback) =>
  `EXISTS (SELECT 1 FROM release_decisions d WHERE d.release_id = r.id AND d.action = 'mark_wrong' AND d.feedback = '${feedback}')`;

/** The measured false-fail and miss rate of each rule over a service's final verdicts, from operators' marks (issue 12, item 6). */
export class VerdictQuality {
  private readonly s: Record<"counts" | "marks", Statement<unknown>>;

  constructor(store: Store) {
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      counts: p(`SELECT coalesce(r.rule_name, '?') AS rule, r.status, COUNT(*) AS n,
          SUM(CASE WHEN r.status = 'fail' AND ${MARKED("false_fail")} THEN 1 ELSE 0 END) AS "falseFails",
          SUM(CASE WHEN r.status IN ('pass', 'warn') AND ${MARKED("missed_regression")} THEN 1 ELSE 0 END) AS missed
        FROM releases r WHERE r.service = ? AND r.environment = ? AND r.decided_at IS NOT NULL AND r.status IN ('pass', 'warn', 'fail', 'hold')
        GROUP BY 1, 2 ORDER BY 1`),
      marks: p(`SELECT r.id AS release_id, r.version, coalesce(r.rule_name, '?') AS rule, d.engine_status, d.feedback, d.actor AS "by", d.decided_at AS "at", d.reason
        FROM release_decisions d JOIN releases r ON r.id = d.release_id
        WHERE r.service = ? AND r.environment = ? AND d.action = 'mark_wrong' ORDER BY d.id DESC LIMIT 100`),
    };
  }

  async report(service: string, environment: string): Promise<QualityReport> {
    const rules = new Map<string, RuleQuality>();
    for (const row of (await this.s.counts.all(service, environment)) as CountRow[]) {
      const q = rules.get(row.rule) ?? {
        rule: row.rule, verdicts: { pass: 0, warn: 0, fail: 0, hold: 0, total: 0 }, false_fails: 0, missed_regressions: 0, false_fail_rate: null, miss_rate: null,
      };
      q.verdicts[row.status] += row.n;
      q.verdicts.total += row.n;
      q.false_fails += row.falseFails;
      q.missed_regressions += row.missed;
      rules.set(row.rule, q);
    }
    for (const q of rules.values()) {
      const passed = q.verdicts.pass + q.verdicts.warn;
      q.false_fail_rate = q.verdicts.fail > 0 ? q.false_fails / q.verdicts.fail : null;
      q.miss_rate = passed > 0 ? q.missed_regressions / passed : null;
    }
    const marks = ((await this.s.marks.all(service, environment)) as (Omit<VerdictMark, "at"> & { at: number })[])
      .map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
    return { service, environment, rules: [...rules.values()], marks };
  }
}
