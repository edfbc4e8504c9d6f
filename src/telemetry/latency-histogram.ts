/**
 * Log-scale latency buckets: bucket i covers (FLOOR_MS·G^(i-1), FLOOR_MS·G^i], so any value is known to within ±2.5 %.
 * Roll-ups keep one sparse histogram per minute, which is enough for rank tests and percentiles on any window.
 */
const FLOOR_MS = 0.01;
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);

export type Histogram = Map<number, number>;

export function bucketOf(latencyMs: number): number {
  if (!(latencyMs > FLOOR_MS)) return 0;
  return Math.ceil(Math.log(latencyMs / FLOOR_MS) / LOG_GROWTH);
}

/** The geometric middle of a bucket: the value that a bucket stands for in tests and percentiles. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return FLOOR_MS;
  return FLOOR_MS * GROWTH ** (bucket - 0.5);
}

export function encodeHistogram(h: Histogram): string {
  let out = "{";
  let first = true;
  for (const [b, n] of h) {
    out += `${first ? "" : ","}"${b}":${n}`;
    first = false;
  }
  return `${out}}`;
}

export function decodeHistogramInto(text: string, into: Histogram): Histogram {
  const parsed = JSON.parse(text) as Record<string, number>;
  for (const key in parsed) {
    const b = Number(key);
    into.set(b, (into.get(b) ?? 0) + (parsed[key] ?? 0));
  }
  return into;
}

export function mergeHistograms(a: string, b: string): string {
  return encodeHistogram(decodeHistogramInto(b, decodeHistogramInto(a, new Map())));
}

/** Values and weights sorted by value, as the rank tests take them. */
export function histogramSample(h: Histogram): { values: number[]; weights: number[] } {
  const buckets = [...h.keys()].sort((x, y) => x - y);
  return { values: buckets.map(bucketValue), weights: buckets.map((b) => h.get(b) ?? 0) };
}

/** The q-quantile (0..1) of a histogram, as the middle of the bucket that holds it. */
export function histogramQuantile(h: Histogram, q: number): number | undefined {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return undefined;
  const target = q * total;
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    seen += h.get(b) ?? 0;
    if (seen >= target) return bucketValue(b);
  }
  return undefined;
}
