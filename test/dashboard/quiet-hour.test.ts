import { describe, expect, it } from "vitest";
import { quietestHour } from "../../src/dashboard/quiet-hour.ts";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = Date.parse("2026-11-14T00:00:00Z");

/** Per-minute counts over `days` days from T0, `perHour(h)` requests a minute in hour h (UTC). */
function traffic(days: number, perHour: (hour: number, day: number) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let m = 0; m < days * 24 * 60; m++) {
    const v = perHour(Math.floor(m / 60) % 24, Math.floor(m / 1440));
    if (v > 0) counts.set(T0 + m * MIN, v);
  }
  return counts;
}

describe("the quietest deploy hour", () => {
  it("is the hour of day with the lowest median requests a minute", () => {
    const counts = traffic(7, (h) => (h === 4 ? 12 : h === 3 ? 15 : 100));
    expect(quietestHour(counts, T0, T0 + 7 * DAY)).toEqual({ hour: 4, perMinute: 12, days: 7 });
  });

  it("uses the median, so one quiet night does not move it", () => {
    // Hour 2 is nearly silent on one day only (an outage); hour 5 is quiet every day.
    const counts = traffic(7, (h, d) => (h === 2 && d === 3 ? 1 : h === 5 ? 30 : 100));
    expect(quietestHour(counts, T0, T0 + 7 * DAY)).toEqual({ hour: 5, perMinute: 30, days: 7 });
  });

  it("counts minutes without traffic as quiet once the service has been seen", () => {
    const counts = traffic(3, (h) => (h === 23 ? 0 : 50));
    expect(quietestHour(counts, T0, T0 + 3 * DAY)).toEqual({ hour: 23, perMinute: 0, days: 3 });
  });

  it("gives no answer with less than a day of history", () => {
    const counts = traffic(1, () => 40);
    counts.delete(T0);
    expect(quietestHour(counts, T0, T0 + DAY)).toBeNull();
    expect(quietestHour(new Map(), T0, T0 + 7 * DAY)).toBeNull();
  });
});
