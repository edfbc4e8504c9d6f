import type { CheckStatus, NoDataPolicy } from "./signal-result.ts";

export type VerdictStatus = "pass" | "warn" | "fail" | "hold";

export interface ScoredCheck {
  status: CheckStatus;
  weight: number;
  critical: boolean;
  noData: NoDataPolicy;
}

export interface ScoreResult {
  status: VerdictStatus;
  score: number | null;
  /** Why the status is what it is, when the score alone does not say it. */
  cause: "score" | "critical" | "no_data" | "hold_policy";
}

/** What a check is worth in the weighted score; undefined when it takes no part (no data under a hold policy). */
function value(c: ScoredCheck): number | undefined {
  switch (c.status) {
    case "pass": return 1;
    case "warn": return 0.5;
    case "fail":
    case "error": return 0;
    case "nodata": return c.noData === "pass" ? 1 : c.noData === "fail" ? 0 : undefined;
  }
}

/**
 * Weighted-sum score in the manner of Kayenta's scorer: 100 × Σ weight·value / Σ weight over the checks that count.
 * A failing critical check vetoes (score 0); a window with no data at all never passes.
 */
export function scoreChecks(checks: readonly ScoredCheck[], thresholds: { pass: number; warn: number }): ScoreResult {
  if (checks.some((c) => c.critical && value(c) === 0)) return { status: "fail", score: 0, cause: "critical" };
  if (checks.every((c) => c.status === "nodata")) {
    const fails = checks.some((c) => c.noData === "fail");
    return { status: fails ? "fail" : "hold", score: fails ? 0 : null, cause: "no_data" };
  }
  let sum = 0, weights = 0;
  for (const c of checks) {
    const v = value(c);
    if (v === undefined) continue;
    sum += c.weight * v;
    weights += c.weight;
  }
  const score = weights > 0 ? Math.round((1000 * sum) / weights) / 10 : null;
  // A low score fails a release only when some signal actually failed: warnings alone (or warnings beside signals on
  // hold) say "watch it", not "roll back".
  const anyFailed = checks.some((c) => value(c) === 0);
  if (score !== null && score < thresholds.warn && anyFailed) return { status: "fail", score, cause: "score" };
  if (checks.some((c) => c.status === "nodata" && c.noData === "hold")) return { status: "hold", score, cause: "hold_policy" };
  if (score === null) return { status: "hold", score, cause: "no_data" };
  return { status: score >= thresholds.pass ? "pass" : "warn", score, cause: "score" };
}
