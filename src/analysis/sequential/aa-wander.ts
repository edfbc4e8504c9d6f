/**
 * How far the rate wanders from its own forecast with no release: A/A backtests on the service's history. Every
 * 30 minutes the same forecaster is fitted on the data before that point only and scored on the next t minutes, for
 * every t up to the maximum window; τ²(t) is the DerSimonian–Laird moment estimate (DerSimonian & Laird 1986, Control.
 * Clin. Trials 7) mean(log ratio²) − mean(Poisson + forecast variance). Under 3 days it is shrunk toward a fleet prior.
 */
import type { WanderCalibration } from "./sequential-types.ts";
import { type ForecastKind, type MinuteSeries, type ProfileMemo, MINUTE_MS, factorAt, fitForecaster, supportsKind } from "./forecast-baseline.ts";
import { type BurstCap, capFor, LEVEL_STEP_MINUTES, WindowCap } from "./burst-winsor.ts";

/** The fleet's wander between a 30-minute window and its baseline (review §1.1: log sd 0.20). */
export const FLEET_TAU2 = 0.04;
/** The same for the share of requests slower than the pre-deploy p95 (review §2e: log sd about 0.08). */
export const LATENCY_FLEET_TAU2 = 0.0064;
/** The prior counts as this many A/A pairs (one day of origins) when history is short. */
export const PRIOR_PAIRS = 48;
export const AA_STEP_MINUTES = 30;
export const WANTED_HISTORY_MINUTES = 3 * 1440;
const FREQUENCY_MINUTES = 30;

export interface WanderFit {
  calibration: WanderCalibration;
  /** Under 3 days of history: τ² leans on the fleet prior. */
  lowAssurance: boolean;
}

/** With `cap`, each scored minute's events are cut as the judged candidate's are (burst-winsor.ts); `windowMinutes`: the forecaster's level window (fitForecaster). */
export function calibrateWander(s: MinuteSeries, kind: ForecastKind, maxMinutes: number, priorTau2 = FLEET_TAU2, cap?: BurstCap,
  windowMinutes?: number): WanderFit {
  const squares = new Float64Array(maxMinutes), noise = new Float64Array(maxMinutes), counts = new Float64Array(maxMinutes);
  const fourths = new Float64Array(maxMinutes);
  const at30: number[] = [];
  const profiles: ProfileMemo = new Map();
  for (let origin = s.length - AA_STEP_MINUTES; origin > 0 && supportsKind(s, origin, kind, windowMinutes); origin -= AA_STEP_MINUTES) {
    const f = fitForecaster(s, origin, kind, profiles, windowMinutes);
    if (!(f.level > 0)) continue;
    const minuteCap = capFor(f.levelEvents, cap);
    const window = minuteCap === undefined ? undefined : new WindowCap(minuteCap);
    let weighted = 0, e = 0;
    const last = Math.min(maxMinutes, s.length - origin);
    for (let t = 1; t <= last; t++) {
      const j = origin + t - 1;
      const exposure = s.cumExposure[j + 1]! - s.cumExposure[j]!, factor = factorAt(f, s.start + j * MINUTE_MS);
      weighted += exposure * factor;
      const events = s.cumEvents[j + 1]! - s.cumEvents[j]!;
      if (window === undefined) e += events;
      else {
        window.add(events, f.level * factor * exposure);
        // Exact on the looks' grid (multiples of the step, as the candidate's looks); in between, cut at the last level.
        if (t % LEVEL_STEP_MINUTES === 0) window.rescale();
        e = window.sum;
      }
      const n = s.cumExposure[j + 1]! - s.cumExposure[origin]!;
      if (n <= 0) continue;
      const logRatio = Math.log((e + 0.5) / n) - Math.log((f.level * weighted) / n);
      const square = logRatio * logRatio;
      squares[t - 1] = squares[t - 1]! + square;
      fourths[t - 1] = fourths[t - 1]! + square * square;
      noise[t - 1] = noise[t - 1]! + 1 / (e + 0.5) + f.varLog;
      counts[t - 1] = counts[t - 1]! + 1;
      if (t === FREQUENCY_MINUTES) at30.push(logRatio);
    }
  }
  const lowAssurance = s.length < WANTED_HISTORY_MINUTES;
  const tau2ByMinutes = new Float64Array(maxMinutes);
  let carried = priorTau2, carriedPairs = 0;
  for (let t = 0; t < maxMinutes; t++) {
    // Windows longer than the history allows keep the last measured value.
    if (counts[t]! > 0) {
      carried = Math.max(0, (squares[t]! - noise[t]!) / counts[t]!);
      carriedPairs = counts[t]!;
    }
    tau2ByMinutes[t] = lowAssurance ? (carriedPairs * carried + PRIOR_PAIRS * priorTau2) / (carriedPairs + PRIOR_PAIRS) : carried;
  }
  const aaLogRatios = Float64Array.from(at30).sort();
  const pairs = counts[Math.min(FREQUENCY_MINUTES, maxMinutes) - 1] ?? 0;
  const kurtosisShare = Float64Array.from(counts, (k, i) => normalShare(k, squares[i]!, fourths[i]!));
  return { calibration: { tau2ByMinutes, pairs, historyMinutes: s.length, aaLogRatios, kurtosisShare }, lowAssurance };
}

/**
 * The share of k windows' precision a normal sample of k would give their mean square: its variance is about
 * (κ − 1)·σ⁴ / k for kurtosis κ (estimated as k·Σx⁴ / (Σx²)²), 2σ⁴ / k when normal; at most 1.
 */
function normalShare(k: number, sumSquares: number, sumFourths: number): number {
  if (!(k > 0 && sumSquares > 0)) return 1;
  return Math.min(1, 2 / ((k * sumFourths) / sumSquares ** 2 - 1));
}

/** τ² at a window of `minutes` (the longest calibrated one beyond the maximum). */
export function tau2At(calibration: WanderCalibration, minutes: number): number {
  const table = calibration.tau2ByMinutes;
  if (table.length === 0) return FLEET_TAU2;
  return table[Math.min(table.length, Math.max(1, Math.round(minutes))) - 1]!;
}

/** Share of A/A windows whose log ratio is at least `logRatio`, counted as (k + 1) / (m + 1); undefined under 20 windows. */
export function historyFrequency(calibration: WanderCalibration, logRatio: number): number | undefined {
  const sorted = calibration.aaLogRatios;
  if (sorted.length < 20) return undefined;
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < logRatio) lo = mid + 1;
    else hi = mid;
  }
  return (sorted.length - lo + 1) / (sorted.length + 1);
}
