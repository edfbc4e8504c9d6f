/**
 * When did a signal change, and which deploy or batch does that follow? One change point per series (the strongest),
 * found by scanning every split; its p-value is a permutation test with a fixed seed, so the same series always gives
 * the same answer. Shuffling minutes keeps their minute-to-minute noise (overdispersion included) but assumes minutes
 * are exchangeable when nothing changed; the mean-shift scan therefore also tests against AR(1) minutes, while the
 * rate scan still reads a slow drift or daily cycle inside the series as a change.
 * A change point is the first point of the "after" segment, so its t is the START of that bucket.
 */
import { AnalysisInputError } from "./analysis-error.ts";
import { ar1ScanPValue } from "./ar1-step-test.ts";

export type CountPoint = { t: number; events: number; exposure: number };
export type ValuePoint = { t: number; value: number };

export interface ChangePointOptions {
  /** Fewest points on each side of a split (default 3). */
  minSegment?: number;
  /** Permutations for the p-value (default 999: p-values from 0.001 up). */
  permutations?: number;
  seed?: number;
  /** significant = pValue ≤ alpha (default 0.01). */
  alpha?: number;
}

export interface ChangePoint {
  index: number;
  t: number;
  /** Rate (events ÷ exposure) or mean value before and after the change. */
  before: number;
  after: number;
  pValue: number;
  significant: boolean;
}

/** llr: log-likelihood of two rates (split here) minus that of one rate. */
export type RateChangePoint = ChangePoint & { llr: number };
/** explained: share of the series' sum of squares the split explains. */
export type MeanShiftPoint = ChangePoint & { explained: number };

const xlogx = (x: number, y: number): number => (x > 0 ? x * Math.log(x / y) : 0);

// mulberry32 (Ettinger 2017): a small seeded generator, so permutation p-values are reproducible.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Both scans split Σu/Σw (events/exposure, or values/points) in two; the score sees the prefix sums U and W. */
type SplitScore = (u: number, w: number) => number;

function bestSplit(u: Float64Array, w: Float64Array, order: Int32Array, minSegment: number, score: SplitScore): { index: number; statistic: number } {
  let best = { index: minSegment, statistic: -Infinity }, sumU = 0, sumW = 0;
  for (let k = 1; k <= u.length - minSegment; k++) {
    sumU += u[order[k - 1]!]!;
    sumW += w[order[k - 1]!]!;
    const statistic = k < minSegment ? -Infinity : score(sumU, sumW);
    if (statistic > best.statistic) best = { index: k, statistic };
  }
  return best;
}

// Best split with its Monte Carlo permutation p-value (1 + #{T* ≥ T}) / (B + 1) (Phipson & Smyth 2010, SAGMB 9).
function locate(u: Float64Array, w: Float64Array, score: SplitScore, options: ChangePointOptions): Omit<ChangePoint, "t" | "significant"> & { statistic: number } {
  const minSegment = options.minSegment ?? 3, permutations = options.permutations ?? 999;
  if (!(Number.isInteger(minSegment) && minSegment >= 1)) throw new AnalysisInputError("INVALID_INPUT", `minSegment must be a positive whole number, got ${minSegment}`);
  const n = u.length, order = Int32Array.from({ length: n }, (_, i) => i);
  const observed = bestSplit(u, w, order, minSegment, score);
  const random = seeded(options.seed ?? 0x5eed);
  let atLeast = 0;
  for (let b = 0; b < permutations; b++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    if (bestSplit(u, w, order, minSegment, score).statistic >= observed.statistic * (1 - 1e-12)) atLeast++;
  }
  const sum = (xs: Float64Array, from: number, to: number): number => xs.subarray(from, to).reduce((a, b) => a + b, 0);
  const { index, statistic } = observed;
  return { index, statistic, before: sum(u, 0, index) / sum(w, 0, index), after: sum(u, index, n) / sum(w, index, n), pValue: (1 + atLeast) / (1 + permutations) };
}

const tooShort = (n: number, options: ChangePointOptions): boolean => n < 2 * (options.minSegment ?? 3);

// Likelihood-ratio scan for one change in a Poisson rate, LLR maximised over splits (Worsley 1986, Biometrika 73), permutation p-value.
export function detectChangePoint(series: CountPoint[], options: ChangePointOptions = {}): RateChangePoint | undefined {
  series.forEach(({ events, exposure }, i) => {
    if (!(events >= 0 && exposure >= 0 && Number.isFinite(events + exposure)) || (events > 0 && exposure === 0)) {
      throw new AnalysisInputError("INVALID_INPUT", `point ${i}: ${events} events in exposure ${exposure}`);
    }
  });
  const u = Float64Array.from(series, (p) => p.events), w = Float64Array.from(series, (p) => p.exposure);
  const events = u.reduce((a, b) => a + b, 0), exposure = w.reduce((a, b) => a + b, 0);
  if (tooShort(series.length, options) || exposure === 0) return undefined;
  const oneRate = xlogx(events, exposure);
  // A split with no exposure on one side says nothing about rates.
  const llr: SplitScore = (e, x) => (x === 0 || x === exposure ? -Infinity : xlogx(e, x) + xlogx(events - e, exposure - x) - oneRate);
  const { statistic, ...found } = locate(u, w, llr, options);
  return { ...found, t: series[found.index]!.t, llr: Math.max(0, statistic), significant: found.pValue <= (options.alpha ?? 0.01) };
}

// Two-segment least-squares scan: the split maximising n₁n₂/n·(mean₁ − mean₂)² (Hinkley 1970, Biometrika 57), permutation p-value.
export function detectMeanShift(series: ValuePoint[], options: ChangePointOptions = {}): MeanShiftPoint | undefined {
  if (series.some((p) => !Number.isFinite(p.value))) throw new AnalysisInputError("INVALID_INPUT", "every value must be a finite number");
  if (tooShort(series.length, options)) return undefined;
  const n = series.length, u = Float64Array.from(series, (p) => p.value), w = new Float64Array(n).fill(1);
  const total = u.reduce((a, b) => a + b, 0), mean = total / n;
  const squares = u.reduce((a, v) => a + (v - mean) ** 2, 0);
  const gain: SplitScore = (sum, k) => ((k * (n - k)) / n) * (sum / k - (total - sum) / (n - k)) ** 2;
  const { statistic, ...found } = locate(u, w, gain, options);
  // Shuffled minutes are exchangeable only if the minutes are independent; per-minute means are not, so the split must
  // also beat the same scan on AR(1) noise with the series' own autocorrelation (ar1-step-test.ts). The larger p stands.
  const minSegment = options.minSegment ?? 3, order = Int32Array.from({ length: n }, (_, i) => i);
  const scanned = (xs: Float64Array) => {
    const sum = xs.reduce((a, b) => a + b, 0);
    return bestSplit(xs, w, order, minSegment, (s, k) => ((k * (n - k)) / n) * (s / k - (sum - s) / (n - k)) ** 2).index;
  };
  const autocorrelated = squares > 0 ? ar1ScanPValue(u, found.index, scanned, options.permutations ?? 999, options.seed ?? 0x5eed) : 1;
  const pValue = squares > 0 ? Math.max(found.pValue, autocorrelated) : 1;
  return { ...found, t: series[found.index]!.t, explained: squares > 0 ? Math.min(1, statistic / squares) : 0, pValue, significant: pValue <= (options.alpha ?? 0.01) };
}

export interface ChangeCause {
  id: string;
  label: string;
  /** Epoch milliseconds, like the change point's t. */
  at: number;
  hosts?: string[];
  /** The service the event deployed; compared with AttributionOptions.service. */
  service?: string;
}

export interface AttributionOptions {
  /** How long after an event a change may still be blamed on it. */
  maxLagMs: number;
  /** Hosts where the change shows; used to choose between events close in time. */
  changedHosts?: string[];
  /** Events this close to the latest one are indistinguishable by time (default 2 minutes: ±1 bucket of a per-minute scan). */
  closeMs?: number;
  /** Events up to this long after t still count: t is the start of its bucket, so pass the bucket width (default 0). */
  toleranceMs?: number;
  /** The service whose signal changed: another service's event is blamed only when its named hosts overlap changedHosts. */
  service?: string;
}

export type Attribution = ChangeCause & { lagMs: number; hostOverlap: number | undefined; reason: string };

function jaccard(a: string[] | undefined, b: string[] | undefined): number | undefined {
  if (a === undefined || b === undefined || a.length + b.length === 0) return undefined;
  const left = new Set(a), right = new Set(b);
  const shared = [...left].filter((h) => right.has(h)).length;
  return shared / (left.size + right.size - shared);
}

const minutes = (ms: number): string => `${Math.round(ms / 6000) / 10} min`;

/**
 * The deploy or batch a change most plausibly follows: the latest event before it within maxLagMs (another service's
 * only if its hosts overlap where the change shows); among events close to that one, the best host match (Jaccard), then the latest.
 */
export function attributeChange(changeAt: number, candidates: ChangeCause[], options: AttributionOptions): Attribution | undefined {
  const { maxLagMs, changedHosts } = options;
  const closeMs = options.closeMs ?? 120_000, toleranceMs = options.toleranceMs ?? 0;
  // Without shared hosts nothing links another service's deploy to this service's change but timing, and timing alone
  // blamed a service's own jump on whichever deploy landed last in the environment.
  const related = (c: ChangeCause) => options.service === undefined || c.service === undefined || c.service === options.service || (jaccard(c.hosts, changedHosts) ?? 0) > 0;
  const eligible = candidates.filter((c) => c.at <= changeAt + toleranceMs && changeAt - c.at <= maxLagMs && related(c)).sort((a, b) => b.at - a.at);
  const latest = eligible[0];
  if (latest === undefined) return undefined;
  const close = eligible.filter((c) => latest.at - c.at <= closeMs).map((c) => ({ cause: c, overlap: jaccard(c.hosts, changedHosts) }));
  // Shared hosts beat unknown hosts, which beat hosts known to be elsewhere; ties go to the latest.
  const score = (o: number | undefined): number => (o === undefined ? 0 : o === 0 ? -1 : o);
  const best = close.reduce((a, b) => (score(b.overlap) > score(a.overlap) ? b : a));
  const lagMs = changeAt - best.cause.at;
  const timing = lagMs >= 0 ? `${minutes(lagMs)} before the change` : `${minutes(-lagMs)} into the change's bucket`;
  let reason = `${best.cause.label} began ${timing}, the latest event within ${minutes(maxLagMs)}`;
  if (best.overlap !== undefined && best.overlap > 0) reason += `; its hosts match where the change shows best (Jaccard ${best.overlap.toFixed(2)})`;
  if (close.length > 1) {
    const why = best.overlap === undefined || best.overlap === 0 ? "no host overlap decides, so the latest" : `its hosts match where the change shows best (Jaccard ${best.overlap.toFixed(2)})`;
    reason = `${best.cause.label} began ${timing}; ${close.length} events within ${minutes(closeMs)} of each other, chosen because ${why}`;
  }
  return { ...best.cause, lagMs, hostOverlap: best.overlap, reason };
}
