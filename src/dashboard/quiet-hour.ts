const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface QuietHour {
  /** Hour of day in the zone asked for (UTC unless given), 0–23. */
  hour: number;
  /** The median requests a minute in that hour across the days seen. */
  perMinute: number;
  /** Whole days of history the answer rests on. */
  days: number;
}

export interface HourProfile {
  /** The median requests a minute of each hour of the day (0–23) in the zone asked for. */
  perHour: number[];
  quietest: QuietHour;
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The local hour of an instant in an IANA zone; every zone's offset is a whole number of quarter hours. */
function hourIn(zone: string): (ms: number) => number {
  if (zone === "UTC") return (ms) => new Date(ms).getUTCHours();
  const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", hourCycle: "h23" });
  const byQuarter = new Map<number, number>();
  return (ms) => {
    const q = Math.floor(ms / QUARTER);
    let h = byQuarter.get(q);
    if (h === undefined) byQuarter.set(q, (h = Number(format.format(q * QUARTER)) % 24));
    return h;
  };
}

/**
 * The median requests a minute of each hour of the day, from per-minute counts in [start, end), and the quietest
 * hour. Minutes without a count are quiet minutes (0) once the service has been seen; before its first minute they
 * are unknown. Null with less than a day of history, since every hour of the day must have been seen at least once.
 */
export function hourProfile(counts: ReadonlyMap<number, number>, start: number, end: number, zone = "UTC"): HourProfile | null {
  let first = Infinity;
  for (const minute of counts.keys()) if (minute >= start && minute < end && minute < first) first = minute;
  if (!Number.isFinite(first) || end - first < DAY) return null;
  const hourOf = hourIn(zone);
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  for (let m = Math.floor(first / MINUTE) * MINUTE; m < end; m += MINUTE) byHour[hourOf(m)]!.push(counts.get(m) ?? 0);
  const perHour = byHour.map((values) => median(values.sort((a, b) => a - b)));
  let hour = 0;
  for (let h = 1; h < 24; h++) if (perHour[h]! < perHour[hour]!) hour = h;
  return { perHour, quietest: { hour, perMinute: perHour[hour]!, days: Math.floor((end - first) / DAY) } };
}

/** The hour of day with the lowest median requests a minute (see hourProfile). */
export function quietestHour(counts: ReadonlyMap<number, number>, start: number, end: number, zone = "UTC"): QuietHour | null {
  return hourProfile(counts, start, end, zone)?.quietest ?? null;
}

/** "04:00" for 4. */
export const hourLabel = (hour: number) => `${String(hour % 24).padStart(2, "0")}:00`;
