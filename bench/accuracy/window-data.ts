/** Windows over a simulated release, summed the way src/telemetry/window-reader.ts sums the per-minute roll-ups. */
import { emptyDense, histogramQuantile, type DenseHistogram } from "../../src/telemetry/latency-histogram.ts";
import type { MinuteAggregate } from "./release-scenario.ts";

export interface WindowTotals {
  requests: number;
  errors: number;
  hist: DenseHistogram;
}

/** Minutes [from, to) of all hosts, or of one group (0: not updated, 1: updated), summed into one histogram and two counts. */
export function sumWindow(minutes: readonly MinuteAggregate[], from: number, to: number, group: 0 | 1 | "all" = "all"): WindowTotals {
  const out: WindowTotals = { requests: 0, errors: 0, hist: emptyDense() };
  for (let t = from; t < to; t++) {
    const m = minutes[t]!;
    const requests = group === "all" ? m.requests : m.groupRequests[group];
    if (requests === 0) continue;
    out.requests += requests;
    out.errors += group === "all" ? m.errors : m.groupErrors[group];
    const h = group === "all" ? m.hist : m.groupHist[group];
    for (let b = 0; b < h.length; b++) out.hist[b]! += h[b]!;
  }
  return out;
}

export const p95Of = (h: DenseHistogram): number | undefined => histogramQuantile(h, 0.95);
