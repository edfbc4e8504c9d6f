/**
 * A burst-robust per-minute error count for the forecast and before/after designs: each minute's events are cut at
 * max(multiple·expected, expected + sds·√expected), expected = forecast rate × that minute's requests — only when the
 * forecast rests on at least MIN_FORECAST_EVENTS errors: a forecast that barely knows the rate cannot tell a burst from a
 * real regression (0 → 6 errors a minute must still fail). A 1–3-minute
 * burst then moves the window's count by a few capped minutes, while a sustained rise, which lifts every minute a
 * little, is barely touched. The same cut is applied inside the A/A backtests so τ²(t) measures the cut counts.
 * A burst is a minority of minutes (WindowCap): when the window's median minute is itself beyond the cut, the rise is
 * sustained, and the cut moves to that many times the median minute instead — a ×5 from the first minute is counted
 * whole, not cut to ×3, while a 1–3-minute burst cannot move the median. An unchanged window's median minute is never
 * near 3× its forecast, so unchanged releases (and the calibrated boundaries) see the plain cut.
 */
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

/** The cap a forecast resting on `levelEvents` errors may use (none under MIN_FORECAST_EVENTS). */
export function capFor(levelEvents: number, cap: BurstCap | undefined): BurstCap | undefined {
  return cap !== undefined && levelEvents >= MIN_FORECAST_EVENTS ? cap : undefined;
}

/** Look-grid step of the A/A backtests: the window's level is re-read every this many minutes (the looks' own step). */
export const LEVEL_STEP_MINUTES = 5;

/**
 * The capped count of a growing window: each minute cut at cap × its expected events, times the window's level — the
 * median of the minutes' events ÷ expected when that median is beyond `cap.multiple` (most minutes are beyond the cut:
 * not a burst), else 1. Minutes expecting nothing are left out of the median. add() minute by minute; rescale()
 * re-reads the median and, when the level moved, re-cuts every minute so far (O(minutes)); between rescales new minutes
 * are cut at the last level.
 */
export class WindowCap {
  private readonly events: number[] = [];
  private readonly expected: number[] = [];
  private readonly ratios: number[] = [];
  /** Minutes whose ratio is beyond cap.multiple: under half of them, the median is not, and the level stays 1. */
  private above = 0;
  private level = 1;
  sum = 0;

  constructor(private readonly cap: BurstCap) {}

  add(events: number, expected: number): void {
    this.events.push(events);
    this.expected.push(expected);
    if (expected > 0) {
      const ratio = events / expected;
      this.ratios.push(ratio);
      if (ratio > this.cap.multiple) this.above++;
    }
    this.sum += cappedEvents(events, this.level * expected, this.cap);
  }

  rescale(): void {
    const n = this.ratios.length;
    let level = 1;
    if (2 * this.above >= n && n > 0) {
      const r = Float64Array.from(this.ratios).sort();
      const median = n % 2 === 1 ? r[(n - 1) / 2]! : (r[n / 2 - 1]! + r[n / 2]!) / 2;
      if (median > this.cap.multiple) level = median;
    }
    // Every minute so far was cut at the current level already: only a new level changes the sum.
    if (level === this.level) return;
    this.level = level;
    let sum = 0;
    for (let i = 0; i < this.events.length; i++) sum += cappedEvents(this.events[i]!, this.level * this.expected[i]!, this.cap);
    this.sum = sum;
  }
}
