import { describe, expect, it } from "vitest";
import { CumulativeTracker } from "../../../src/telemetry/otlp/cumulative-tracker.ts";

const MIN = 60_000;
const T0 = Date.parse("2026-12-01T10:00:00Z");

/** Feeds points of one series, each in its own committed batch; returns what each counted. */
function feed(tracker: CumulativeTracker, points: [start: number, time: number, total: number][]) {
  return points.map(([start, time, total]) => {
    const batch = tracker.batch();
    const d = batch.delta("s", start, time, [total]);
    batch.commit();
    return d?.values[0];
  });
}

describe("cumulative points to increases", () => {
  it("counts a fresh series' first point whole, then only what grew", () => {
    expect(feed(new CumulativeTracker(), [[T0, T0 + MIN, 10], [T0, T0 + 2 * MIN, 25], [T0, T0 + 3 * MIN, 25]])).toEqual([10, 15, 0]);
  });

  it("only remembers the first point of a series that started long ago (a restart of deploy-guard), so nothing is counted twice", () => {
    expect(feed(new CumulativeTracker(), [[T0 - 60 * MIN, T0, 5000], [T0 - 60 * MIN, T0 + MIN, 5040]])).toEqual([undefined, 40]);
  });

  it("reads a new start time or a total that went down as the service restarting: its new total counts whole", () => {
    expect(feed(new CumulativeTracker(), [[T0, T0 + MIN, 100], [T0 + 2 * MIN, T0 + 3 * MIN, 7], [T0 + 2 * MIN, T0 + 4 * MIN, 3]])).toEqual([100, 7, 3]);
  });

  it("adds nothing for a point sent again (an exporter's retry)", () => {
    expect(feed(new CumulativeTracker(), [[T0, T0 + MIN, 10], [T0, T0 + MIN, 10], [T0, T0 + 2 * MIN, 12]])).toEqual([10, undefined, 2]);
  });

  it("forgets a batch that was never committed, so a request that failed to store counts in full when it is retried", () => {
    const tracker = new CumulativeTracker();
    feed(tracker, [[T0, T0 + MIN, 10]]);
    expect(tracker.batch().delta("s", T0, T0 + 2 * MIN, [30])?.values).toEqual([20]);
    expect(feed(tracker, [[T0, T0 + 2 * MIN, 30]])).toEqual([20]);
  });

  it("keeps at most maxSeries series, forgetting the least recently seen", () => {
    const tracker = new CumulativeTracker(2);
    const batch = tracker.batch();
    for (const key of ["a", "b", "c"]) batch.delta(key, T0, T0 + MIN, [1]);
    batch.commit();
    expect([tracker.get("a"), tracker.get("c")?.values]).toEqual([undefined, [1]]);
  });
});
