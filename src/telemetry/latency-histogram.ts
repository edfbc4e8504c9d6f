/**
 * Log-scale latency buckets: bucket i covers (FLOOR_MS·G^(i-1), FLOOR_MS·G^i], so any value is known to within ±2.5 %.
 * Roll-ups keep one sparse histogram per minute, which is enough for rank tests and percentiles on any window.
 * Stored as a blob of (uint16 bucket, uint32 count) pairs: decoding is a plain loop, which keeps window reads fast.
 */
const FLOOR_MS = 0.01;
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
const PAIR = 6;

export type Histogram = Map<number, number>;
/** A histogram read back for analysis: counts indexed by bucket, which sums faster than a Map. */
export type DenseHistogram = Float64Array;
export const BUCKETS = 512;

export const emptyDense = (): DenseHistogram => new Float64Array(BUCKETS);

export function bucketOf(latencyMs: number): number {
  if (!(latencyMs > FLOOR_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(latencyMs / FLOOR_MS) / LOG_GROWTH));
}

/** The geometric middle of a bucket: the value that a bucket stands for in tests and percentiles. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return FLOOR_MS;
  return FLOOR_MS * GROWTH ** (bucket - 0.5);
}

export function encodeHistogram(h: Histogram): Buffer {
  const buf = Buffer.allocUnsafe(h.size * PAIR);
  let at = 0;
  for (const [b, n] of h) {
    buf.writeUInt16LE(b, at);
    buf.writeUInt32LE(n, at + 2);
    at += PAIR;
  }
  return buf;
}

export function decodeHistogramInto(buf: Uint8Array, into: Histogram): Histogram {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = 0; at + PAIR <= buf.byteLength; at += PAIR) {
    const b = view.getUint16(at, true);
    into.set(b, (into.get(b) ?? 0) + view.getUint32(at + 2, true));
  }
  return into;
}

export function decodeHistogramDense(buf: Uint8Array, into: DenseHistogram): DenseHistogram {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = 0; at + PAIR <= buf.byteLength; at += PAIR) into[view.getUint16(at, true)]! += view.getUint32(at + 2, true);
  return into;
}

/** Requests in buckets above `bucket`, straight from the stored pairs (no dense histogram to clear and sum). */
export function countAbove(buf: Uint8Array, bucket: number): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let n = 0;
  for (let at = 0; at + PAIR <= buf.byteLength; at += PAIR) if (view.getUint16(at, true) > bucket) n += view.getUint32(at + 2, true);
  return n;
}

export function mergeHistograms(a: Uint8Array, b: Uint8Array): Buffer {
  return encodeHistogram(decodeHistogramInto(b, decodeHistogramInto(a, new Map())));
}

/** Values and weights sorted by value, as the rank tests take them. */
export function histogramSample(h: DenseHistogram): { values: number[]; weights: number[] } {
  const values: number[] = [], weights: number[] = [];
  for (let b = 0; b < h.length; b++) {
    if (h[b]! > 0) {
      values.push(bucketValue(b));
      weights.push(h[b]!);
    }
  }
  return { values, weights };
}

/** The q-quantile (0..1) of a histogram, as the middle of the bucket that holds it. */
export function histogramQuantile(h: DenseHistogram, q: number): number | undefined {
  let total = 0;
  for (const n of h) total += n;
  if (total === 0) return undefined;
  let seen = 0;
  for (let b = 0; b < h.length; b++) {
    seen += h[b]!;
    if (h[b]! > 0 && seen >= q * total) return bucketValue(b);
  }
  return undefined;
}
