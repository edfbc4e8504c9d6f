import { emptyDense, histogramQuantile, type DenseHistogram } from "../telemetry/latency-histogram.ts";
import type { RequestWindow } from "../telemetry/window-reader.ts";

const MINUTE = 60_000;

/** What the page embeds for charts.js: x in Unix seconds, one value a bucket (null: no traffic), bands and markers. */
export interface ChartData {
  x: number[];
  errorRate: (number | null)[];
  latency: (number | null)[];
  bands: { from: number; to: number; label: string; kind: "baseline" | "analysis" }[];
  markers: { at: number; label: string }[];
  labels: { errors: string; latency: string; time: string };
  /** The viewer's IANA time zone for axis labels and the key; UTC when absent. */
  zone?: string;
}

/**
 * Buckets of `bucketMinutes` over [start, end): error rate in %, and latency in ms — the median of the bucket's merged
 * histograms when `histograms` (per minute) is given, as the tables show it, else the mean. Latency keeps 2 significant
 * figures: the histograms' buckets are ±2.5 % wide.
 */
export function requestSeries(perMinute: RequestWindow["perMinute"], start: number, end: number, bucketMinutes = 1, histograms?: Map<number, DenseHistogram>): Pick<ChartData, "x" | "errorRate" | "latency"> {
  const step = bucketMinutes * MINUTE;
  const from = Math.floor(start / step) * step;
  const n = Math.max(0, Math.ceil((end - from) / step));
  const sums = Array.from({ length: n }, () => ({ requests: 0, errors: 0, latencyCount: 0, latencySum: 0 }));
  for (const [minute, m] of perMinute) {
    const i = Math.floor((minute - from) / step);
    const s = sums[i];
    if (i < 0 || !s) continue;
    s.requests += m.requests;
    s.errors += m.errors;
    s.latencyCount += m.latencyCount;
    s.latencySum += m.latencySum;
  }
  const merged = new Map<number, DenseHistogram>();
  for (const [minute, h] of histograms ?? []) {
    const i = Math.floor((minute - from) / step);
    if (i < 0 || i >= n) continue;
    let into = merged.get(i);
    if (!into) merged.set(i, (into = emptyDense()));
    for (let b = 0; b < h.length; b++) into[b]! += h[b]!;
  }
  return {
    x: sums.map((_, i) => (from + i * step) / 1000),
    errorRate: sums.map((s) => (s.requests > 0 ? round((100 * s.errors) / s.requests, 3) : null)),
    latency: sums.map((s, i) => {
      if (s.latencyCount === 0) return null;
      const h = merged.get(i);
      const typical = histograms ? (h ? histogramQuantile(h, 0.5) : undefined) : s.latencySum / s.latencyCount;
      return typical === undefined ? null : Number(typical.toPrecision(2));
    }),
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** JSON safe inside a <script> element: no "</script>", no HTML comment, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
