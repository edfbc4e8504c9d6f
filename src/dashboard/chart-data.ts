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
}

/** Buckets of `bucketMinutes` over [start, end): error rate in % and mean latency in ms. */
export function requestSeries(perMinute: RequestWindow["perMinute"], start: number, end: number, bucketMinutes = 1): Pick<ChartData, "x" | "errorRate" | "latency"> {
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
  return {
    x: sums.map((_, i) => (from + i * step) / 1000),
    errorRate: sums.map((s) => (s.requests > 0 ? round((100 * s.errors) / s.requests, 3) : null)),
    latency: sums.map((s) => (s.latencyCount > 0 ? round(s.latencySum / s.latencyCount, 1) : null)),
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** JSON safe inside a <script> element: no "</script>", no HTML comment, no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
