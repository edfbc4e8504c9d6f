/**
 * The A/A wander of long windows rests on few independent windows (3 days hold 18 four-hour ones), so a service's own
 * τ²(t) is noisy exactly where the longest looks need it: in the accuracy benchmark, services with the same wander
 * got τ²(240) from 0 to 0.025 (p10–p90). Each τ²(t) is therefore shrunk toward the fleet's curve, weighing the
 * service's own estimate by its independent windows (A/A pairs × 30 / t, at most the pairs, times 2 / (κ − 1) for the
 * log ratios' kurtosis κ: a few error bursts make a mean square far less precise than its count says) and the curve as
 * FLEET_WINDOWS more — the random-effects compromise of DerSimonian & Laird (1986) and, for the weights, of empirical
 * Bayes (Efron & Morris 1975, JASA 70). Short windows (144 of them in 3 days) mostly keep their own estimate; a 4-hour
 * window meets the curve about halfway with 3 days of history and at a third with 7.
 */
import type { WanderCalibration } from "./sequential-types.ts";
import { AA_STEP_MINUTES } from "./aa-wander.ts";

/**
 * τ²(t) of the error rate on cut counts (burst-winsor.ts) against the forecast, by window length (`npm run
 * bench:fleet-curve` prints it): the mean over 400
 * services of the benchmark's training fleet (seed 7700099; 20–1000 rpm, 3 days each; bench/accuracy), held flat below
 * 10 and beyond 240 minutes and interpolated in log(minutes) between. At 30 minutes it is 0.0275 (log sd 0.17), below
 * the review's 0.04 on uncut counts.
 */
export const FLEET_WANDER_CURVE: readonly (readonly [minutes: number, tau2: number])[] = [
  [10, 0.0367], [15, 0.0345], [20, 0.0317], [30, 0.0275], [45, 0.0245], [60, 0.0216],
  [90, 0.0202], [120, 0.0179], [180, 0.0149], [240, 0.0127],
];

/** The curve counts as this many independent A/A windows at every length. */
export const FLEET_WINDOWS = 20;

export function fleetTau2At(minutes: number, curve = FLEET_WANDER_CURVE): number {
  if (minutes <= curve[0]![0]) return curve[0]![1];
  const i = curve.findIndex(([m]) => m >= minutes);
  if (i < 0) return curve[curve.length - 1]![1];
  const [m0, v0] = curve[i - 1]!, [m1, v1] = curve[i]!;
  const w = Math.log(minutes / m0) / Math.log(m1 / m0);
  return v0 + w * (v1 - v0);
}

/** The calibration with each τ²(t) shrunk toward the fleet's curve (its table only: the A/A log ratios stay the service's). */
export function shrinkToFleet(calibration: WanderCalibration, windows = FLEET_WINDOWS): WanderCalibration {
  const own = calibration.tau2ByMinutes;
  const tau2ByMinutes = own.map((tau2, i) => {
    const minutes = i + 1;
    const independent = calibration.pairs * Math.min(1, AA_STEP_MINUTES / minutes) * (calibration.kurtosisShare?.[i] ?? 1);
    return (independent * tau2 + windows * fleetTau2At(minutes)) / (independent + windows);
  });
  return { ...calibration, tau2ByMinutes };
}
