/**
 * The counterfactual rate of the candidate minutes, forecast from the history before the deploy: a multiplicative
 * seasonal level model, rate = level × daily factor × weekly factor (Hyndman & Athanasopoulos, "Forecasting: Principles
 * and Practice", 3rd ed., §8.3 multiplicative seasonality). The level is the seasonally adjusted rate of the last 7 hours,
 * the daily cycle needs ≥ 2 whole days, the weekly ≥ 14; under a day of history it is the flat hour before the deploy.
 * Minutes are placed in the cycles by epoch time in UTC; history starts on a whole minute.
 */
import type { MinuteCounts } from "./sequential-types.ts";
import { shrunkProfile, type SeasonalProfile } from "./seasonal-profile.ts";

export const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000, DAY_MS = 86_400_000;
export const BEFORE_DEPLOY_MINUTES = 60, LEVEL_MINUTES = 420;
const DAILY_MAX_DAYS = 7, WEEKLY_MAX_WEEKS = 4;

export type ForecastKind = "before_deploy" | "level" | "daily" | "daily_weekly";

/** Prefix sums over a dense minute series, built once per release and shared by the forecast and its A/A backtests. */
export interface MinuteSeries {
  start: number;
  length: number;
  cumEvents: Float64Array;
  cumExposure: Float64Array;
}

export interface Forecaster {
  kind: ForecastKind;
  /** Rate per unit of seasonal factor; NaN when there was no traffic to forecast from. */
  level: number;
  /** Variance of log(forecast): Poisson on the level's events plus the profiles' posterior variance. */
  varLog: number;
  levelEvents: number;
  levelExposure: number;
  hourLog: Float64Array;
  dayLog: Float64Array;
  /** exp of the logs above, so a minute's factor costs two look-ups. */
  hourFactor: Float64Array;
  dayFactor: Float64Array;
}

export function indexSeries(minutes: readonly MinuteCounts[], start: number): MinuteSeries {
  const cumEvents = new Float64Array(minutes.length + 1), cumExposure = new Float64Array(minutes.length + 1);
  minutes.forEach((m, i) => {
    cumEvents[i + 1] = cumEvents[i]! + m.events;
    cumExposure[i + 1] = cumExposure[i]! + m.exposure;
  });
  return { start, length: minutes.length, cumEvents, cumExposure };
}

const hourOfDay = (ms: number): number => ((Math.floor(ms / HOUR_MS) % 24) + 24) % 24;
// 1970-01-01 was a Thursday: +4 makes 0 a Sunday.
const dayOfWeek = (ms: number): number => ((Math.floor(ms / DAY_MS) + 4) % 7 + 7) % 7;
const indexAt = (s: MinuteSeries, ms: number): number => Math.round((ms - s.start) / MINUTE_MS);

function wholeCycles(s: MinuteSeries, origin: number, cycleMs: number): { first: number; end: number } {
  return { first: Math.ceil(s.start / cycleMs), end: Math.floor((s.start + origin * MINUTE_MS) / cycleMs) };
}

/** The forecaster the data before `origin` (a minute index) supports. */
export function forecastKindFor(s: MinuteSeries, origin: number): ForecastKind {
  const days = wholeCycles(s, origin, DAY_MS), hours = wholeCycles(s, origin, HOUR_MS);
  if (days.end - days.first >= 14) return "daily_weekly";
  if (hours.end - hours.first >= 48) return "daily";
  return origin >= 1440 ? "level" : "before_deploy";
}

/** Whether `origin` has enough data before it to run forecaster `kind` (the A/A backtest's origins). */
export function supportsKind(s: MinuteSeries, origin: number, kind: ForecastKind, windowMinutes?: number): boolean {
  if (kind === "daily_weekly") return wholeCycles(s, origin, DAY_MS).end - wholeCycles(s, origin, DAY_MS).first >= 14;
  if (kind === "daily") return wholeCycles(s, origin, HOUR_MS).end - wholeCycles(s, origin, HOUR_MS).first >= 48;
  return origin >= (kind === "level" ? LEVEL_MINUTES : windowMinutes ?? BEFORE_DEPLOY_MINUTES);
}

/** Profiles already fitted on one series, by cycle length and last whole cycle: origins within one hour share them. */
export type ProfileMemo = Map<string, SeasonalProfile>;

function profile(s: MinuteSeries, origin: number, bins: number, binMs: number, maxBlocks: number, binOf: (ms: number) => number, memo?: ProfileMemo) {
  const { first, end } = wholeCycles(s, origin, binMs);
  const key = `${binMs}:${end}`;
  const known = memo?.get(key);
  if (known) return known;
  const fitted = fitProfile(s, first, end, bins, binMs, maxBlocks, binOf);
  memo?.set(key, fitted);
  return fitted;
}

function fitProfile(s: MinuteSeries, first: number, end: number, bins: number, binMs: number, maxBlocks: number, binOf: (ms: number) => number): SeasonalProfile {
  const blocks = Math.min(maxBlocks, Math.floor((end - first) / bins));
  const events = new Float64Array(blocks * bins), exposure = new Float64Array(blocks * bins);
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < bins; k++) {
      const binStart = (end - (b + 1) * bins + k) * binMs;
      const from = indexAt(s, binStart), to = indexAt(s, binStart + binMs);
      const cell = b * bins + binOf(binStart);
      events[cell] = s.cumEvents[to]! - s.cumEvents[from]!;
      exposure[cell] = s.cumExposure[to]! - s.cumExposure[from]!;
    }
  }
  return shrunkProfile(events, exposure, blocks, bins);
}

/**
 * Fits forecaster `kind` on the minutes before `origin` only (`memo`: profiles shared across origins of one series;
 * `windowMinutes`: the minutes its level is read over, by default the hour for "before_deploy" and 7 hours otherwise).
 */
export function fitForecaster(s: MinuteSeries, origin: number, kind: ForecastKind, memo?: ProfileMemo, windowMinutes?: number): Forecaster {
  const hourLog = new Float64Array(24), dayLog = new Float64Array(7);
  if (kind === "before_deploy") {
    const from = Math.max(0, origin - (windowMinutes ?? BEFORE_DEPLOY_MINUTES));
    const e = s.cumEvents[origin]! - s.cumEvents[from]!, n = s.cumExposure[origin]! - s.cumExposure[from]!;
    return { kind, level: n > 0 ? (e + 0.5) / n : NaN, varLog: 1 / (e + 0.5), levelEvents: e, levelExposure: n, hourLog, dayLog,
      hourFactor: new Float64Array(24).fill(1), dayFactor: new Float64Array(7).fill(1) };
  }
  let profileVariance = 0;
  if (kind === "daily" || kind === "daily_weekly") {
    const daily = profile(s, origin, 24, HOUR_MS, DAILY_MAX_DAYS, hourOfDay, memo);
    hourLog.set(daily.logFactors);
    profileVariance += daily.variance;
  }
  if (kind === "daily_weekly") {
    const weekly = profile(s, origin, 7, DAY_MS, WEEKLY_MAX_WEEKS, dayOfWeek, memo);
    dayLog.set(weekly.logFactors);
    profileVariance += weekly.variance;
  }
  const f: Forecaster = { kind, level: NaN, varLog: 0, levelEvents: 0, levelExposure: 0, hourLog, dayLog, hourFactor: hourLog.map(Math.exp), dayFactor: dayLog.map(Math.exp) };
  for (const from of [Math.max(0, origin - (windowMinutes ?? LEVEL_MINUTES)), 0]) {
    const weighted = weightedExposure(f, s, from, origin);
    if (weighted <= 0) continue; // seven silent hours: widen to the whole history
    const e = s.cumEvents[origin]! - s.cumEvents[from]!;
    return { ...f, level: (e + 0.5) / weighted, varLog: 1 / (e + 0.5) + profileVariance, levelEvents: e, levelExposure: s.cumExposure[origin]! - s.cumExposure[from]! };
  }
  return { ...f, varLog: Infinity };
}

/** Σ requests × seasonal factor over the minutes [from, to), an hour at a time: the factor changes only on the hour. */
function weightedExposure(f: Forecaster, s: MinuteSeries, from: number, to: number): number {
  let weighted = 0;
  for (let j = from; j < to; ) {
    const ms = s.start + j * MINUTE_MS;
    const next = Math.min(to, j + Math.ceil(((Math.floor(ms / HOUR_MS) + 1) * HOUR_MS - ms) / MINUTE_MS));
    weighted += (s.cumExposure[next]! - s.cumExposure[j]!) * factorAt(f, ms);
    j = next;
  }
  return weighted;
}

/** The seasonal factor of the minute starting at `ms`. */
export function factorAt(f: Forecaster, ms: number): number {
  return f.hourFactor[hourOfDay(ms)]! * f.dayFactor[dayOfWeek(ms)]!;
}

/** Forecast rate over minutes with the given exposures, the i-th starting at start + i minutes (exposure-weighted). */
export function forecastRate(f: Forecaster, minutes: readonly MinuteCounts[], start: number, count = minutes.length): number {
  let weighted = 0, exposure = 0, factors = 0;
  for (let i = 0; i < count; i++) {
    const factor = factorAt(f, start + i * MINUTE_MS);
    weighted += minutes[i]!.exposure * factor;
    exposure += minutes[i]!.exposure;
    factors += factor;
  }
  return f.level * (exposure > 0 ? weighted / exposure : count > 0 ? factors / count : factorAt(f, start));
}
