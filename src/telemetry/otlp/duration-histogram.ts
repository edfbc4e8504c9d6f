import { bucketOf, type Histogram } from "../latency-histogram.ts";
import { toNumber } from "./otlp-values.ts";
import type { HistogramDataPoint } from "./otlp-types.ts";

/** One duration data point in deploy-guard's terms: requests, total milliseconds and the log-scale histogram. */
export interface DurationHistogram {
  count: number;
  sumMs: number;
  /** Requests whose latency the histogram holds (0 when the point has no buckets). */
  latencyCount: number;
  hist: Histogram;
}

/** The cumulative-to-delta step for one point; undefined when nothing new can be counted. */
export type Delta = (grows: number[], free: number[]) => { values: number[]; free: number[] } | undefined;

const TO_MS: Record<string, number> = { s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 1e-6 };

/**
 * The value that stands for OTLP bucket i, (bounds[i-1], bounds[i]]: the geometric middle of its edges, where the open
 * ends are closed by the point's min and max when it has them (else 0 and twice the last bound).
 */
function representative(i: number, bounds: readonly number[], min: number | undefined, max: number | undefined): number {
  const lo = i === 0 ? (min !== undefined && min < bounds[0]! ? Math.max(0, min) : 0) : bounds[i - 1]!;
  const hi = i === bounds.length ? (max !== undefined && max > lo ? max : lo * 2) : bounds[i]!;
  return lo > 0 ? Math.sqrt(lo * hi) : hi / 2;
}

/**
 * An explicit-bucket histogram point as a roll-up's counts. Each OTLP bucket's requests go to the log-scale bucket of
 * its representative value (src/telemetry/latency-histogram.ts), so a window's histogram is as fine as the SDK's
 * buckets allow; the sum is the point's own when it has one. Returns a sentence when the point is not well formed.
 */
export function durationHistogram(p: HistogramDataPoint, unit: string, delta?: Delta): DurationHistogram | string | undefined {
  const bounds = p.explicitBounds;
  let counts = p.bucketCounts.map(toNumber);
  if (counts.length > 0 && counts.length !== bounds.length + 1) return `has ${counts.length} bucket counts for ${bounds.length} bounds (needs bounds + 1)`;
  if (bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!))) return "has explicit bounds that are not finite and increasing";
  let count = toNumber(p.count);
  let sum = typeof p.sum === "number" && Number.isFinite(p.sum) ? p.sum : undefined;
  if (delta) {
    const d = delta([count, ...counts], [sum ?? 0]);
    if (!d) return undefined;
    [count, ...counts] = d.values as [number, ...number[]];
    if (sum !== undefined) sum = d.free[0];
  }
  if (!(count >= 0) || counts.some((n) => !(n >= 0))) return "has negative counts";
  const scale = TO_MS[unit] ?? 1000;
  const hist: Histogram = new Map();
  let estimated = 0, latencyCount = 0;
  counts.forEach((n, i) => {
    if (n === 0) return;
    const ms = representative(i, bounds, p.min ?? undefined, p.max ?? undefined) * scale;
    const b = bucketOf(ms);
    hist.set(b, (hist.get(b) ?? 0) + n);
    estimated += ms * n;
    latencyCount += n;
  });
  return { count, sumMs: sum !== undefined ? sum * scale : estimated, latencyCount, hist };
}
