/**
 * A burst-robust per-minute error count for the forecast and before/after designs: each minute's events are cut at
 * max(multiple·expected, expected + sds·√expected), expected = forecast rate × that minute's requests — only when the
 * forecast rests on at least MIN_FORECAST_EVENTS errors: a forecast that barely knows the rate cannot tell a burst from a
 * real regression (0 → 6 errors a minute must still fail). A 1–3-minute
 * burst then moves the window's count by a few capped minutes, while a sustained rise, which lifts every minute a
 * little, is barely touched. The same cut is applied inside the A/A backtests so τ²(t) measures the cut counts.
 */
import type { MinuteCounts } from "./sequential-types.ts";

export interface BurstCap {
  /** The cut is at least this multiple of the minute's expected events. */
  multiple: number;
  /** …and at least this many Poisson standard deviations above them. */
  sds: number;
}

export const MIN_FORECAST_EVENTS = 20;

/** The one switch: undefined judges the raw counts. */
export const BURST_CAP: BurstCap | undefined = { multiple: 3, sds: 4 };

// Winsorized (Huberized) counts: Huber 1964, Ann. Math. Statist. 35, "Robust estimation of a location parameter".
export function cappedEvents(events: number, expected: number, cap: BurstCap): number {
  if (!(expected > 0)) return events;
  return Math.min(events, Math.max(cap.multiple * expected, expected + cap.sds * Math.sqrt(expected)));
}

/** The candidate minutes with each minute's events cut at its cap; `expectedRateAt(i)` is the forecast rate of minute i. */
export function winsorizeMinutes(minutes: readonly MinuteCounts[], expectedRateAt: (i: number) => number, cap: BurstCap): MinuteCounts[] {
  return minutes.map((m, i) => ({ ...m, events: cappedEvents(m.events, expectedRateAt(i) * m.exposure, cap) }));
}

/** The cap a forecast resting on `levelEvents` errors may use (none under MIN_FORECAST_EVENTS). */
export function capFor(levelEvents: number, cap: BurstCap | undefined): BurstCap | undefined {
  return cap !== undefined && levelEvents >= MIN_FORECAST_EVENTS ? cap : undefined;
}
