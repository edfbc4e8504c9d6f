/**
 * One constant pair of z boundaries per maximum window for the before/after and forecast designs: a Pocock-type
 * constant boundary (Pocock 1977, Biometrika 64) whose constants are calibrated on the fleet, because the wander's
 * heavy tail and the estimated τ² make the textbook constants wrong. Looks every 5 minutes from 10.
 *
 * PROVISIONAL: the figures are the review's (verdict-statistics-review.md §2a, practical_lr.py), calibrated for alpha
 * 0.01 per signal and beta 0.05 at ×2; the 30-minute row is extrapolated from them. They stand for alpha 0.005 until the
 * benchmark calibration (issue 11) replaces them.
 */
import { normalQuantile } from "../normal-distribution.ts";

export interface BoundaryPair {
  /** Fail when L / √V ≥ failZ (and the fail floors hold). */
  failZ: number;
  /** Pass when L + passZ·√V is below the detect floor. */
  passZ: number;
}

export interface BoundaryRow extends BoundaryPair {
  maxMinutes: number;
  source: "review" | "review-extrapolated" | "benchmark";
}

export const TABLE_ALPHA = 0.005;
export const TABLE_BETA = 0.05;

export const BOUNDARY_TABLE: readonly BoundaryRow[] = [
  { maxMinutes: 30, failZ: 3.47, passZ: 2.0, source: "review-extrapolated" },
  { maxMinutes: 60, failZ: 3.52, passZ: 2.1, source: "review" },
  { maxMinutes: 120, failZ: 3.57, passZ: 2.2, source: "review" },
  { maxMinutes: 240, failZ: 3.64, passZ: 2.31, source: "review" },
];

/**
 * Latency (the count of requests slower than the pre-deploy p95): its wander is small, so the p95 floor rather than
 * the test decides at high traffic (review §2e). PROVISIONAL, flat one-sided normal quantiles at alpha 0.005 and beta
 * 0.05 until the benchmark calibration replaces them.
 */
export const LATENCY_BOUNDARY_TABLE: readonly BoundaryRow[] = [
  { maxMinutes: 30, failZ: 2.58, passZ: 1.64, source: "review-extrapolated" },
  { maxMinutes: 120, failZ: 2.58, passZ: 1.64, source: "review-extrapolated" },
];

/**
 * The pair for a maximum window, interpolated linearly in log(minutes) between rows and held flat beyond them. Another
 * alpha or beta shifts each boundary by the difference of the normal quantiles: a first-order correction only.
 */
export function boundariesFor(maxMinutes: number, alpha = TABLE_ALPHA, beta = TABLE_BETA, rows: readonly BoundaryRow[] = BOUNDARY_TABLE): BoundaryPair {
  let pair: BoundaryPair;
  if (maxMinutes <= rows[0]!.maxMinutes) pair = rows[0]!;
  else if (maxMinutes >= rows[rows.length - 1]!.maxMinutes) pair = rows[rows.length - 1]!;
  else {
    const i = rows.findIndex((r) => r.maxMinutes >= maxMinutes);
    const lo = rows[i - 1]!, hi = rows[i]!;
    const w = Math.log(maxMinutes / lo.maxMinutes) / Math.log(hi.maxMinutes / lo.maxMinutes);
    pair = { failZ: lo.failZ + w * (hi.failZ - lo.failZ), passZ: lo.passZ + w * (hi.passZ - lo.passZ) };
  }
  return {
    failZ: pair.failZ + normalQuantile(1 - alpha) - normalQuantile(1 - TABLE_ALPHA),
    passZ: pair.passZ + normalQuantile(1 - beta) - normalQuantile(1 - TABLE_BETA),
  };
}
