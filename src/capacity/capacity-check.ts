import { scoreChecks, type VerdictStatus } from "../analysis/score.ts";
import { summarize } from "../verdicts/explain.ts";
import type { Check, FinalVerdict } from "../verdicts/verdict-types.ts";
import type { ReleaseCapacity } from "./capacity-types.ts";

/**
 * The capacity comparison as one check of the verdict, scored like any other signal. Its no-data policy is "pass":
 * a model without enough points must not hold a release, and the reason says so.
 */
export function capacityCheck(c: ReleaseCapacity, weight: number): Check {
  const volumes = c.changes.slice(1);
  const worst = volumes.find((v) => v.name === c.risen[0])
    ?? [...volumes].filter((v) => v.relative !== null).sort((a, b) => Math.abs(b.relative!) - Math.abs(a.relative!))[0];
  const details: Record<string, number> = {};
  for (const v of volumes) {
    details[`${v.name}_before`] = v.before;
    details[`${v.name}_after`] = v.after;
  }
  if (c.chow) details.chow_p_value = c.chow.p_value;
  if (c.headroom.moved !== null) details.headroom_moved = c.headroom.moved;
  return {
    signal: "capacity",
    kind: "capacity",
    status: c.status,
    classification: c.status === "nodata" ? "nodata" : c.status === "pass" ? "pass" : "high",
    critical: false,
    weight,
    no_data_policy: "pass",
    baseline: { value: worst?.before ?? null, n: c.before?.n ?? 0 },
    candidate: { value: worst?.after ?? null, n: c.after?.n ?? 0 },
    change: { relative: worst?.relative ?? null, absolute: worst?.change ?? null, ci_low: worst?.relative_ci_low ?? null, ci_high: worst?.relative_ci_high ?? null },
    p_value: worst?.p_value ?? null,
    q_value: null,
    method: c.before ? `${c.before.method === "huber" ? "Huber IRLS" : "least squares"} before/after with Chow test` : null,
    reason: c.reason,
    details,
  };
}

/** A capacity check that could not be computed: no data under a "pass" policy, so a bug here never blocks a release. */
export function unavailableCheck(reason: string, weight: number): Check {
  return { signal: "capacity", kind: "capacity", status: "nodata", classification: "nodata", critical: false, weight, no_data_policy: "pass",
    baseline: { value: null, n: 0 }, candidate: { value: null, n: 0 }, change: { relative: null, absolute: null, ci_low: null, ci_high: null },
    p_value: null, q_value: null, method: null, reason, details: {} };
}

const SEVERITY: Record<VerdictStatus, number> = { pass: 0, warn: 1, hold: 2, fail: 3 };

/**
 * Adds the capacity check to a verdict and rescores it; a rise the rule calls warn (or fail) makes the release at
 * least warn (or fail) whatever the weights, as the rule asks.
 */
export function withCapacityCheck(verdict: FinalVerdict, check: Check, thresholds: { pass: number; warn: number }, target: string): FinalVerdict {
  const checks = [...verdict.checks.filter((c) => c.kind !== "capacity"), check];
  const scored = scoreChecks(checks.map((c) => ({ status: c.status, weight: c.weight, critical: c.critical, noData: c.no_data_policy })), thresholds);
  // Never softer than the verdict without it.
  const candidates: VerdictStatus[] = [verdict.status, scored.status];
  if (check.status === "warn" || check.status === "fail") candidates.push(check.status);
  const status = candidates.reduce((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a));
  const summary = status === verdict.status && check.status !== "warn" && check.status !== "fail" ? verdict.summary : summarize(target, status, checks, verdict.final);
  return { ...verdict, status, score: scored.score, summary, checks };
}
