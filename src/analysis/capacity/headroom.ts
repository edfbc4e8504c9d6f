import { linearRegression } from "simple-statistics";
import type { LinearFit } from "./capacity-types.ts";

export interface HeadroomInput {
  limit: number;
  /** Today's total of each volume over the fit window: fixes the mix. */
  totals: Record<string, number>;
  /** The busiest interval's total volume per minute today. */
  peakVolume: number;
  /** Peak interval volume of each past day, oldest first (day index, volume). */
  dailyPeaks: { day: number; volume: number }[];
}

export interface Headroom {
  limit: number;
  mix: Record<string, number>;
  /** Resource per one unit of total volume at today's mix. */
  cost_per_unit: number;
  peak_volume: number;
  resource_at_peak: number;
  /** Total volume per minute at which the resource reaches its limit; null when it does not grow with volume. */
  volume_at_limit: number | null;
  volumes_at_limit: Record<string, number> | null;
  /** volume_at_limit / peak_volume: how many times today's peak fits under the limit. */
  ratio: number | null;
  /** Trend of the daily peak, volume per minute per day; null with fewer than 3 days. */
  growth_per_day: number | null;
  days_to_limit: number | null;
  reason: string;
}

const MIN_TREND_DAYS = 3;

/**
 * Volume at the limit with today's mix: a + c·V = limit, c = Σ bⱼ·shareⱼ; time to reach it by the least-squares
 * linear trend of the daily peak volume.
 */
export function headroom(fit: LinearFit, input: HeadroomInput): Headroom {
  const names = fit.coefficients.slice(1).map((c) => c.name);
  const total = names.reduce((a, n) => a + (input.totals[n] ?? 0), 0);
  const mix = Object.fromEntries(names.map((n) => [n, total > 0 ? (input.totals[n] ?? 0) / total : 1 / names.length]));
  const a = fit.coefficients[0]!.estimate;
  const cost = fit.coefficients.slice(1).reduce((s, c) => s + c.estimate * mix[c.name]!, 0);
  const atPeak = a + cost * input.peakVolume;
  const base = { limit: input.limit, mix, cost_per_unit: cost, peak_volume: input.peakVolume, resource_at_peak: atPeak };
  if (!(cost > 0)) {
    return { ...base, volume_at_limit: null, volumes_at_limit: null, ratio: null, growth_per_day: null, days_to_limit: null, reason: "The resource does not grow with volume at today's mix, so volume sets no limit." };
  }
  const atLimit = Math.max(0, (input.limit - a) / cost);
  const ratio = input.peakVolume > 0 ? atLimit / input.peakVolume : null;
  const perVolume = Object.fromEntries(names.map((n) => [n, atLimit * mix[n]!]));
  let growth: number | null = null, days: number | null = null;
  let trend = `fewer than ${MIN_TREND_DAYS} days of history, so no trend`;
  if (input.dailyPeaks.length >= MIN_TREND_DAYS) {
    const line = linearRegression(input.dailyPeaks.map((d) => [d.day, d.volume]));
    growth = line.m;
    const last = input.dailyPeaks[input.dailyPeaks.length - 1]!.day;
    const now = line.m * last + line.b;
    if (growth > 0) {
      days = Math.max(0, (atLimit - now) / growth);
      trend = `on the current trend (+${growth.toFixed(1)} a day) in about ${days.toFixed(0)} days`;
    } else trend = "not on the current trend (the daily peak is not growing)";
  }
  const times = ratio !== null ? ` (${ratio.toFixed(1)} × today's peak)` : "";
  const reason = atPeak >= input.limit
    ? `The resource already reaches its limit of ${input.limit} at today's peak.`
    : `The resource reaches its limit of ${input.limit} at ${atLimit.toFixed(0)} a minute${times}; reached ${trend}.`;
  return { ...base, volume_at_limit: atLimit, volumes_at_limit: perVolume, ratio, growth_per_day: growth, days_to_limit: days, reason };
}
