/**
 * Per-release critical boundaries. A release's fail (or miss) is monotone in its boundary: a higher fail z only removes
 * fail looks, and a higher pass z only removes pass looks, which the other boundary does not move. So each release has
 * one critical z above which it no longer fails (misses), and the pooled rate at z is the share of critical values
 * above z: one search per release gives the whole rate curve, and the calibrated z is a quantile of them.
 */
import { normalQuantile } from "../../src/analysis/normal-distribution.ts";
import { wilsonInterval } from "../accuracy/report-format.ts";

/** The search range of the boundaries: a z outside it is reported as being at the limit. */
export const Z_LOW = 0.5;
export const Z_HIGH = 6;

/**
 * The z where `hit` stops holding, by bisection (hit is true below it and false above). −∞ when it never holds in
 * range, +∞ when it still holds at the upper limit.
 */
export function criticalZ(hit: (z: number) => boolean, steps = 12, lo = Z_LOW, hi = Z_HIGH): number {
  if (!hit(lo)) return -Infinity;
  if (hit(hi)) return Infinity;
  for (let i = 0; i < steps; i++) {
    const mid = (lo + hi) / 2;
    if (hit(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The share of releases that still fail (miss) at boundary z. */
export function rateAt(critical: readonly number[], z: number): number {
  return critical.length === 0 ? NaN : critical.filter((c) => c > z).length / critical.length;
}

/**
 * The smallest z in range whose rate is at most `target`: the (⌊target·n⌋ + 1)-th largest critical value, floored at
 * the lower limit. `atLimit` when even the upper limit is over budget.
 */
export function smallestZWithin(critical: readonly number[], target: number): { z: number; atLimit: boolean } {
  if (critical.length === 0) return { z: NaN, atLimit: false };
  const sorted = [...critical].sort((a, b) => b - a);
  const k = Math.floor(target * critical.length + 1e-9);
  if (k >= sorted.length) return { z: Z_LOW, atLimit: false };
  const c = sorted[k]!;
  if (c === Infinity) return { z: Z_HIGH, atLimit: true };
  return { z: Math.max(Z_LOW, c), atLimit: false };
}

/**
 * The largest share k/n of n calibration releases whose one-sided Wilson upper bound at `confidence` stays within
 * `budget` (Wilson 1927, JASA 22): a boundary calibrated to the budget's point estimate exceeds it on about half of all
 * independent samples; this one holds it with that confidence.
 */
export function budgetWithConfidence(budget: number, n: number, confidence: number): number {
  const z = normalQuantile(confidence);
  let k = Math.floor(budget * n + 1e-9);
  while (k > 0 && wilsonInterval(k / n, n, z).high > budget) k--;
  return k / n;
}

/** The table row a maximum window is calibrated in: the nearest row on a log scale, as boundariesFor interpolates. */
export function rowOf(maxMinutes: number, rows: readonly number[]): number {
  let best = rows[0]!;
  for (const r of rows) if (Math.abs(Math.log(maxMinutes / r)) < Math.abs(Math.log(maxMinutes / best))) best = r;
  return best;
}

/** The band (its lower edge of expected errors per minute) that holds `eventsPerMinute`. */
export function bandOf(eventsPerMinute: number, edges: readonly number[]): number {
  let band = Math.min(...edges);
  for (const e of edges) if (eventsPerMinute >= e && e > band) band = e;
  return band;
}

/**
 * The two-stage fail boundary with the false-fail budget split explicitly: the early z is the smallest with early-stage
 * fails ≤ earlyShare·alpha, the late z the smallest with all fails ≤ alpha. A release fails at (zE, zL) exactly when
 * its early critical value is above zE or its late one (judged with no early fails) is above zL, since looks without
 * an early fail are decided as if the early stage had none.
 */
export function twoStageFailZ(early: readonly number[], late: readonly number[], alpha: number, earlyShare: number): { earlyZ: number; lateZ: number; atLimit: boolean } {
  const e = smallestZWithin(early, earlyShare * alpha);
  return { earlyZ: e.z, ...lateFailZ(early, late, e.z, alpha) };
}

/** The late z that spends what the early stage at `earlyZ` leaves of alpha. */
export function lateFailZ(early: readonly number[], late: readonly number[], earlyZ: number, alpha: number): { lateZ: number; atLimit: boolean } {
  const l = smallestZWithin(late.map((c, i) => (early[i]! > earlyZ ? Infinity : c)), alpha);
  return { lateZ: l.z, atLimit: l.atLimit };
}

/** The share of releases that fail at (earlyZ, lateZ). */
export function twoStageRateAt(early: readonly number[], late: readonly number[], earlyZ: number, lateZ: number): number {
  return early.length === 0 ? NaN : early.filter((c, i) => c > earlyZ || late[i]! > lateZ).length / early.length;
}
