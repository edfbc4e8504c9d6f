const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface QuietHour {
  /** Hour of day (UTC), 0–23. */
  hour: number;
  /** The median requests a minute in that hour across the days seen. */
  perMinute: number;
  /** Whole days of history the answer rests on. */
  days: number;
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The hour of day with the lowest median requests a minute, from per-minute counts in [start, end). Minutes
 * without a count are quiet minutes (0) once the service has been seen; before its first minute they are unknown.
 * Null with less than a day of history, since every hour of the day must have been seen at least once.
 */
export function quietestHour(counts: ReadonlyMap<number, number>, start: number, end: number): QuietHour | null {
  let first = Infinity;
  for (const minute of counts.keys()) if (minute >= start && minute < end && minute < first) first = minute;
  if (!Number.isFinite(first) || end - first < DAY) return null;
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  for (let m = Math.floor(first / MINUTE) * MINUTE; m < end; m += MINUTE) {
    byHour[new Date(m).getUTCHours()]!.push(counts.get(m) ?? 0);
  }
  let best: QuietHour | null = null;
  for (let hour = 0; hour < 24; hour++) {
    const perMinute = median(byHour[hour]!.sort((a, b) => a - b));
    if (!best || perMinute < best.perMinute) best = { hour, perMinute, days: Math.floor((end - first) / DAY) };
  }
  return best;
}

/** "04:00" for 4. */
export const hourLabel = (hour: number) => `${String(hour % 24).padStart(2, "0")}:00`;
