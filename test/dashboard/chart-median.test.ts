import { afterEach, describe, expect, it } from "vitest";
import { serviceData } from "../../src/dashboard/service-data.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
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

let svc: TestService | undefined;
afterEach(() => svc?.close());

describe("latency in charts", () => {
  it("on the service page too: each 5-minute bucket's median, merged from its minutes' histograms", async () => {
    const start = Date.parse("2026-12-05T09:00:00Z");
    svc = createTestService({ now: start + 60 * MIN });
    // 9 requests a minute at 80 ms and 1 at 2 s for an hour: a mean of 272 ms, a median of 80 ms.
    const events = Array.from({ length: 60 }, (_, m) => Array.from({ length: 10 }, (_, i) => ({
      timestamp: new Date(start + m * MIN + i * 1000).toISOString(), service: "shop", status: 200, latency_ms: i === 9 ? 2000 : 80,
    }))).flat();
    expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
    const perBucket = await svc.container.reader.histogramsPerMinute({ service: "shop", environment: "production", start, end: start + 60 * MIN }, 5);
    expect(perBucket.size).toBe(12);
    const d = await serviceData(svc.container, "shop", undefined, 24, (key) => key);
    const drawn = d.chart.latency.filter((v): v is number => v !== null);
    expect(drawn).toHaveLength(12);
    for (const v of drawn) expect(v).toBeCloseTo(80, -1);
  });

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
