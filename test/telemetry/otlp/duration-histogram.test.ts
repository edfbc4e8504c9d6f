import { describe, expect, it } from "vitest";
import { bucketOf } from "../../../src/telemetry/latency-histogram.ts";
import { durationHistogram } from "../../../src/telemetry/otlp/duration-histogram.ts";
import type { HistogramDataPoint } from "../../../src/telemetry/otlp/otlp-types.ts";

const point = (p: Partial<HistogramDataPoint>): HistogramDataPoint => ({
  attributes: [], startTimeUnixNano: 0, timeUnixNano: 0, count: 0, bucketCounts: [], explicitBounds: [], flags: 0, ...p,
});

describe("an explicit-bucket duration point as roll-up counts", () => {
  it("puts each bucket's requests at the geometric middle of its edges, in milliseconds, with the point's own sum", () => {
    const h = durationHistogram(point({ count: 6, sum: 0.5, explicitBounds: [0.01, 0.1], bucketCounts: [1, 3, 2], min: 0.004, max: 0.4 }), "s");
    expect(h).toEqual({
      count: 6, sumMs: 500, latencyCount: 6,
      hist: new Map([[bucketOf(Math.sqrt(4 * 10)), 1], [bucketOf(Math.sqrt(10 * 100)), 3], [bucketOf(Math.sqrt(100 * 400)), 2]]),
    });
  });

  it("reads the older http.server.duration unit (ms) as milliseconds", () => {
    const h = durationHistogram(point({ count: 2, sum: 30, explicitBounds: [10, 20], bucketCounts: [0, 2, 0] }), "ms");
    expect(h).toMatchObject({ count: 2, sumMs: 30, hist: new Map([[bucketOf(Math.sqrt(200)), 2]]) });
  });

  it("refuses bucket counts that do not fit the bounds, and bounds that do not increase", () => {
    expect(durationHistogram(point({ count: 1, explicitBounds: [1, 2], bucketCounts: [1] }), "s")).toMatch(/needs bounds \+ 1/);
    expect(durationHistogram(point({ count: 1, explicitBounds: [2, 1], bucketCounts: [0, 1, 0] }), "s")).toMatch(/increasing/);
  });
});
