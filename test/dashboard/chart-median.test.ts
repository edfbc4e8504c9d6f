import { describe, expect, it } from "vitest";
import { requestSeries } from "../../src/dashboard/chart-data.ts";
import { changeText, millis } from "../../src/dashboard/format.ts";
import { bucketOf, bucketValue, emptyDense } from "../../src/telemetry/latency-histogram.ts";

const MIN = 60_000;
const T0 = Date.parse("2026-12-05T10:00:00Z");

/** One minute of 9 requests at 80 ms and 1 at 2 s: mean 272 ms, median 80 ms. */
function minuteWithSlowOne() {
  const h = emptyDense();
  h[bucketOf(80)]! += 9;
  h[bucketOf(2000)]! += 1;
  return { totals: { requests: 10, errors: 0, latencyCount: 10, latencySum: 9 * 80 + 2000 }, h };
}

describe("latency in charts", () => {
  it("draws the median, as the table shows it, not the mean a slow request drags up", () => {
    const { totals, h } = minuteWithSlowOne();
    const median = requestSeries(new Map([[T0, totals]]), T0, T0 + MIN, 1, new Map([[T0, h]]));
    expect(median.latency).toEqual([Number(bucketValue(bucketOf(80)).toPrecision(2))]);
    expect(median.latency[0]).toBeCloseTo(80, -1);
    expect(requestSeries(new Map([[T0, totals]]), T0, T0 + MIN).latency).toEqual([270]);
  });

  it("merges the minutes' histograms of a longer bucket before taking its median", () => {
    const { totals, h } = minuteWithSlowOne();
    const slow = emptyDense();
    slow[bucketOf(2000)]! += 5;
    const series = requestSeries(
      new Map([[T0, totals], [T0 + MIN, { requests: 5, errors: 0, latencyCount: 5, latencySum: 10_000 }]]), T0, T0 + 5 * MIN, 5,
      new Map([[T0, h], [T0 + MIN, slow]]),
    );
    // 9 of 15 requests at 80 ms: the median is still 80 ms.
    expect(series.latency[0]).toBeCloseTo(80, -1);
  });

  it("shows a latency with 2 significant figures, the precision of ±2.5 % buckets", () => {
    expect([millis(81.2), millis(79.8), millis(120.4), millis(1234), millis(9.87), millis(null)]).toEqual(["81 ms", "80 ms", "120 ms", "1.2 s", "9.9 ms", "—"]);
    expect([changeText(0.407, 2), changeText(-0.0123, 2), changeText(1.43, 2), changeText(0.407)]).toEqual(["+41 %", "-1.2 %", "×2.4", "+40.7 %"]);
  });
});
