/**
 * How far the rate wanders from its own forecast with no release: A/A backtests on the service's history. Every
 * 30 minutes the same forecaster is fitted on the data before that point only and scored on the next t minutes, for
 * every t up to the maximum window; τ²(t) is the DerSimonian–Laird moment estimate (DerSimonian & Laird 1986, Control.
 * Clin. Trials 7) mean(log ratio²) − mean(Poisson + forecast variance). Under 3 days it is shrunk toward a fleet prior.
 */
import type { WanderCalibration } from "./sequential-types.ts";
import { type Forecaster, type ForecastKind, type MinuteSeries, type ProfileMemo, MINUTE_MS, factorAt, fitForecaster, supportsKind } from "./forecast-baseline.ts";
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
      noise[t - 1] = noise[t - 1]! + countNoise(e, f.level * weighted) + f.varLog;
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

/** The look at which a forecaster's level windows are compared (windowFit). */
const COMPARE_AT_MINUTES = 60;

export interface WindowFit {
  /** The level window; undefined: the kind's own (fitForecaster). */
  window: number | undefined;
  forecast: Forecaster;
  wander: WanderFit;
  /** Forecast variance plus τ² at an hour's look: what the window is chosen by. */
  variance: number;
}

/** Forecaster `kind` at the end of `s` with its level read over `window`, and its A/A backtests with the same window. */
export function windowFit(s: MinuteSeries, kind: ForecastKind, maxMinutes: number, window: number | undefined, priorTau2 = FLEET_TAU2, cap?: BurstCap): WindowFit {
  const forecast = fitForecaster(s, s.length, kind, undefined, window);
  const wander = calibrateWander(s, kind, maxMinutes, priorTau2, cap, window);
  return { window, forecast, wander, variance: forecast.varLog + tau2At(wander.calibration, COMPARE_AT_MINUTES) };
}

/** Of several level windows, the one that predicted the service's own history best. */
export function leastVarianceFit(fits: readonly WindowFit[]): WindowFit {
  return fits.reduce((best, fit) => (fit.variance < best.variance ? fit : best));
}

/** Up to this expected count the noise of a Haldane log ratio is its exact Poisson expectation (haldaneSquare). */
const SMALL_COUNT = 30;
const GRID_LOW = 1e-3, GRID_STEPS = 2000;
const GRID = Array.from({ length: GRID_STEPS + 1 }, (_, i) => haldaneSquareExact(GRID_LOW * (SMALL_COUNT / GRID_LOW) ** (i / GRID_STEPS)));

/**
 * E[log((X + ½)/μ)²] for X ~ Poisson(μ): what a window's squared log ratio averages to with no wander at all. Above a
 * few expected events it is about E[1/(X + ½)], so the observed 1/(e + ½) estimates it; at a fraction of an event it
 * is not (μ = 0.04: 6.6 against 1.9; μ = 0.3: 0.94 against 1.6), and the A/A τ² of windows holding well under one
 * expected error came out far too large or too small.
 */
export function haldaneSquareExact(mu: number): number {
  let p = Math.exp(-mu), sum = 0;
  const last = Math.ceil(mu + 12 * Math.sqrt(mu) + 30);
  for (let x = 0; x <= last; x++) {
    if (x > 0) p *= mu / x;
    const l = Math.log((x + 0.5) / mu);
    sum += p * l * l;
  }
  return sum;
}

/** The no-wander mean square of one A/A window: interpolated in log μ below SMALL_COUNT, the observed 1/(e + ½) above. */
export function countNoise(events: number, mu: number): number {
  if (!(mu < SMALL_COUNT)) return 1 / (events + 0.5);
  if (mu <= GRID_LOW) return haldaneSquareExact(mu);
  const at = (Math.log(mu / GRID_LOW) / Math.log(SMALL_COUNT / GRID_LOW)) * GRID_STEPS;
  const i = Math.min(GRID_STEPS - 1, Math.floor(at)), w = at - i;
  return GRID[i]! + w * (GRID[i + 1]! - GRID[i]!);
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
