/**
 * The z boundaries per maximum window for the before/after and forecast designs, calibrated on the fleet because the
 * wander's heavy tail and the estimated τ² make the textbook constants wrong. Looks every 5 minutes from 10. The fail
 * boundary is a two-stage (Haybittle–Peto-like; Haybittle 1971, Br J Radiol 44; Peto et al. 1976) constant: a strict
 * z before FAIL_SWITCH_MINUTES, where 1–3-minute error bursts move z, then a lower one; the pass boundary is one constant
 * (Pocock 1977, Biometrika 64).
 */
import { normalQuantile } from "../normal-distribution.ts";

export interface BoundaryPair {
  /** Fail when L / √V ≥ failZ (and the fail floors hold); from `earlyUntilMinutes` on when there is an early stage. */
  failZ: number;
  /** Pass when L + passZ·√V is below the detect floor. */
  passZ: number;
  /** The fail z of the looks before `earlyUntilMinutes` (none: failZ at every look). */
  earlyFailZ?: number | undefined;
  earlyUntilMinutes?: number | undefined;
}

/** The look from which the late fail z applies: the bursts' 10–25-minute looks are the early stage. */
export const FAIL_SWITCH_MINUTES = 30;

/** The fail z of the look at `minutes`. */
export function failZAt(bounds: BoundaryPair, minutes: number): number {
  return bounds.earlyFailZ !== undefined && minutes < (bounds.earlyUntilMinutes ?? FAIL_SWITCH_MINUTES) ? bounds.earlyFailZ : bounds.failZ;
}

export interface BoundaryRow extends BoundaryPair {
  maxMinutes: number;
  source: "review" | "review-extrapolated" | "benchmark" | "benchmark-extended";
}

export const TABLE_ALPHA = 0.005;
export const TABLE_BETA = 0.05;

/**
 * Calibrated by `npm run bench:calibrate -- --signal=errors --unchanged=9000 --floor=2500` (training seed 7700001,
 * not the accuracy report's): before/after releases at 20/100/300/1000 rpm pooled, 36,000 unchanged (false fails
 * ≤ alpha 0.005) and 10,000 at ×2 (misses ≤ beta 0.05), each placed in the row nearest its maximum window (log scale)
 * under this table, since resolvingMaxMinutes reads its 240 row. The 240 row rests on 33,707 unchanged and 9,345 ×2
 * releases, the 120 row on 2,090 and 587. Only 200 and 3 unchanged releases reach a 60- or 30-minute maximum (the
 * busiest services, whose bursts need the 120 row's fail z: the review's 3.52 false-failed 3 of the 200), so those
 * rows repeat the 120 row. The 120 row is above the 240 row because the services that resolve in 2 h are the busy ones,
 * where an error burst alone moves z; it is not a property of the window length.
 * No early stage: a two-stage fail z (`--early-share=S`, 28,000 unchanged / 8,000 ×2 / 2,000 ×5 training releases)
 * buys little, because at the one-constant z only 0.36 of the 0.47 % false fails are early and the late looks need
 * z ≈ 3.55 even with 70 % of alpha left to them (240 row: early share 0.5 → z 4.38/3.67, ×2 fails 62.9 % instead of
 * 55.6 %, but ×5 fails at 10 minutes 81 % instead of 86 % at 300 rpm; an early z kept at 4.03 → late 3.99, ×2 56.6 %).
 * The calibrated share 0.7 (4.04/3.95; 120 row 4.90/5.37) met the same 18 accuracy targets, so it was not adopted.
 * Not keyed by traffic band either: the false fails that set 4.03 do not gather in a band. By expected errors per minute
 * (`npm run bench:calibrate -- --by=band --unchanged=9000 --floor=2500`, training seed), this table false-fails
 * 0.35 / 0.68 / 0.49 / 0.50 % of the unchanged releases in bands < 0.3 / 0.3–1 / 1–3 / ≥ 3 (9,078 / 7,981 / 8,623 /
 * 10,318 releases; ×2 fails 28.4 / 57.2 / 71.8 / 72.2 % of 2,524 / 2,224 / 2,367 / 2,885), so only the quietest band
 * could go lower: per-band fail/pass z 3.91/2.13, 4.38/2.51, 4.12/2.36, 4.16/2.40 fail ×2 31.5 / 48.7 / 70.8 / 71.1 %
 * and met 15 accuracy targets instead of 18 (×2 fails 29.5 / 51.5 / 67.0 / 76.5 % at 20/100/300/1000 rpm; misses 7.5 /
 * 7.5 / 7.0 / 3.5 %: the 300 rpm ×2 miss, unchanged hold and median decision targets lost).
 * Nor on burst-winsorized counts (each minute cut at max(3·expected, expected + 4√expected), the same cut in the A/A
 * backtests; calibrated 240 row 3.34/2.43 on 16,000 / 4,800 training releases): ×2 fails rose to 41.5 / 71.5 / 84 /
 * 89.5 %, but 16 targets were met instead of 18 (300 rpm unchanged hold 2.2 %, ×2 miss 6 %) and forecast-design
 * canary cells with one day of history false-failed up to 6.4 % — it would need its own row for short histories.
 */
export const BOUNDARY_TABLE: readonly BoundaryRow[] = [
  { maxMinutes: 30, failZ: 5.18, passZ: 2.79, source: "benchmark-extended" },
  { maxMinutes: 60, failZ: 5.18, passZ: 2.79, source: "benchmark-extended" },
  { maxMinutes: 120, failZ: 5.18, passZ: 2.79, source: "benchmark" },
  { maxMinutes: 240, failZ: 4.03, passZ: 2.32, source: "benchmark" },
];

/**
 * Latency (the count of requests slower than the pre-deploy p95): its wander is small, so the p95 floor rather than
 * the test decides at high traffic (review §2e). Its maximum is always the latency plan's 120 minutes, so one row,
 * held flat for a shorter rule maximum. Calibrated by `npm run bench:calibrate -- --signal=latency --unchanged=2000
 * --floor=1000` (training seed 7700001): 8,000 unchanged before/after releases (latency false fails ≤ 0.005) and 4,000
 * tail-only releases whose share beyond the pre-deploy p95 is 1.5× (p95 +24.5 %; misses ≤ 0.05), rpm pooled. The
 * pooled false fails come almost all from 20 rpm (1.9 % there), where the candidate p95 rests on a few hundred requests.
 */
export const LATENCY_BOUNDARY_TABLE: readonly BoundaryRow[] = [
  { maxMinutes: 120, failZ: 2.67, passZ: 1.52, source: "benchmark" },
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
    const mix = (a: number, b: number) => a + w * (b - a);
    const early = lo.earlyFailZ !== undefined || hi.earlyFailZ !== undefined ? mix(lo.earlyFailZ ?? lo.failZ, hi.earlyFailZ ?? hi.failZ) : undefined;
    pair = { failZ: mix(lo.failZ, hi.failZ), passZ: mix(lo.passZ, hi.passZ), earlyFailZ: early };
  }
  const failShift = normalQuantile(1 - alpha) - normalQuantile(1 - TABLE_ALPHA);
  return {
    failZ: pair.failZ + failShift,
    passZ: pair.passZ + normalQuantile(1 - beta) - normalQuantile(1 - TABLE_BETA),
    ...(pair.earlyFailZ !== undefined ? { earlyFailZ: pair.earlyFailZ + failShift, earlyUntilMinutes: FAIL_SWITCH_MINUTES } : {}),
  };
}
