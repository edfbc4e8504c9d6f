/**
 * A step in the mean of a per-minute series whose minutes are autocorrelated (a gauge, a per-minute mean latency).
 * Rank or permutation tests treat such minutes as independent and find "changes" in slow drift (7.8–32 % false
 * positives at AR(1) ρ = 0.5–0.95). Here the minutes are an AR(1) process around a mean that steps at `split`.
 */
import type { Alternative } from "./rate-test.ts";

export interface StepFit {
  /** Estimated step (after − before) and its standard error, both in the series' unit. */
  shift: number;
  se: number;
  t: number;
  /** Lag-1 autocorrelation used (bias-corrected, clipped to [0, 0.99]). */
  rho: number;
}

// Pooled lag-1 autocorrelation of the two segments, each about its own mean, with the first-order bias correction
// of the estimate (Kendall 1954, Biometrika 41: E r ≈ ρ − (1 + 3ρ)/n), which is large at n = 60–90.
function lagOneCorrelation(values: ArrayLike<number>, split: number): number {
  let lagged = 0, squares = 0;
  for (const [from, to] of [[0, split], [split, values.length]] as const) {
    let mean = 0;
    for (let i = from; i < to; i++) mean += values[i]! / (to - from);
    for (let i = from; i < to; i++) {
      squares += (values[i]! - mean) ** 2;
      if (i > from) lagged += (values[i]! - mean) * (values[i - 1]! - mean);
    }
  }
  const n = values.length, r = squares > 0 ? lagged / squares : 0;
  return Math.min(0.99, Math.max(0, (n * r + 2) / (n - 4)));
}

/**
 * The autocorrelation the null replicates are drawn with: the larger of the two-segment estimate and the one about a
 * single mean. Demeaning at the split removes the slowest wander and biases ρ low exactly where it matters (ρ ≈ 0.95);
 * a real step inflates the single-mean estimate instead, which only makes the test more careful.
 */
export function nullCorrelation(values: ArrayLike<number>, split: number): number {
  let mean = 0, lagged = 0, squares = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) mean += values[i]! / n;
  for (let i = 0; i < n; i++) {
    squares += (values[i]! - mean) ** 2;
    if (i > 0) lagged += (values[i]! - mean) * (values[i - 1]! - mean);
  }
  const single = squares > 0 ? Math.min(0.99, Math.max(0, (n * (lagged / squares) + 1) / (n - 3))) : 0;
  return Math.max(single, lagOneCorrelation(values, split));
}

// Prais–Winsten feasible GLS of y = μ + δ·[t ≥ split] + AR(1) noise (Prais & Winsten 1954); a gap of g missing minutes
// between the segments makes the boundary correlation ρ^(g+1).
export function fitStep(values: ArrayLike<number>, split: number, gapPoints = 0, rho = lagOneCorrelation(values, split)): StepFit {
  const n = values.length;
  let s11 = 0, s12 = 0, s22 = 0, b1 = 0, b2 = 0;
  const rows: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const step = i >= split ? 1 : 0;
    if (i === 0) {
      rows.push([values[0]!, 1, step]);
      continue;
    }
    const r = i === split ? rho ** (gapPoints + 1) : rho, scale = 1 / Math.sqrt(1 - r * r);
    const prevStep = i - 1 >= split ? 1 : 0;
    rows.push([(values[i]! - r * values[i - 1]!) * scale, (1 - r) * scale, (step - r * prevStep) * scale]);
  }
  for (const [y, x1, x2] of rows) {
    s11 += x1 * x1; s12 += x1 * x2; s22 += x2 * x2; b1 += x1 * y; b2 += x2 * y;
  }
  const det = s11 * s22 - s12 * s12;
  const shift = (s11 * b2 - s12 * b1) / det, level = (s22 * b1 - s12 * b2) / det;
  const rss = rows.reduce((a, [y, x1, x2]) => a + (y - level * x1 - shift * x2) ** 2, 0);
  const se = Math.sqrt(((rss / Math.max(1, n - 3)) * s11) / det);
  return { shift, se, t: se > 0 ? shift / se : shift === 0 ? 0 : Math.sign(shift) * Infinity, rho };
}

/** Unit-variance AR(1) series of the given length, with `gapPoints` unobserved minutes before index `split`. */
export function simulateAr1(length: number, split: number, gapPoints: number, rho: number, normal: () => number): Float64Array {
  const out = new Float64Array(length);
  out[0] = normal();
  for (let i = 1; i < length; i++) {
    const r = i === split ? rho ** (gapPoints + 1) : rho;
    out[i] = r * out[i - 1]! + Math.sqrt(1 - r * r) * normal();
  }
  return out;
}

// mulberry32 (Ettinger 2017) with Box–Muller: seeded, so the same series always gives the same p-value.
export function seededNormal(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface StepTest extends StepFit {
  pValue: number;
  /** The step's interval at `confidence`, one-sided for one-sided alternatives. */
  low: number;
  high: number;
}

const signed = (t: number, alternative: Alternative) => (alternative === "greater" ? t : alternative === "less" ? -t : Math.abs(t));

// Parametric AR(1) bootstrap of the studentized GLS step (replicates at nullCorrelation, ρ re-estimated in each), p = (1 + #{T* ≥ T}) / (B + 1).
export function ar1StepTest(before: readonly number[], after: readonly number[], options: { alternative: Alternative; confidence: number; gapPoints?: number; replicates?: number; seed?: number }): StepTest {
  const gap = options.gapPoints ?? 0, replicates = options.replicates ?? 999;
  const values = [...before, ...after], split = before.length;
  const fit = fitStep(values, split, gap);
  const observed = signed(fit.t, options.alternative), normal = seededNormal(options.seed ?? 0x5eed), rho = nullCorrelation(values, split);
  const nulls = new Float64Array(replicates);
  let atLeast = 0;
  for (let b = 0; b < replicates; b++) {
    nulls[b] = signed(fitStep(simulateAr1(values.length, split, gap, rho, normal), split, gap).t, options.alternative);
    if (nulls[b]! >= observed * (1 - 1e-12)) atLeast++;
  }
  nulls.sort();
  const q = nulls[Math.min(replicates - 1, Math.ceil(options.confidence * (replicates + 1)) - 1)]!;
  const low = options.alternative === "less" ? -Infinity : fit.shift - q * fit.se;
  const high = options.alternative === "greater" ? Infinity : fit.shift + q * fit.se;
  return { ...fit, pValue: (1 + atLeast) / (1 + replicates), low, high };
}

/**
 * p-value of the step a scan found at `split` when the scan itself chose the split: each AR(1) replicate (ρ fitted at
 * nullCorrelation) is scanned again by `findSplit` and studentized there, so the choice of split is paid for.
 */
export function ar1ScanPValue(values: ArrayLike<number>, split: number, findSplit: (xs: Float64Array) => number, replicates = 999, seed = 0x5eed): number {
  const fit = fitStep(values, split);
  if (!Number.isFinite(fit.t)) return fit.shift === 0 ? 1 : 1 / (1 + replicates);
  const normal = seededNormal(seed), rho = nullCorrelation(values, split);
  let atLeast = 0;
  for (let b = 0; b < replicates; b++) {
    const xs = simulateAr1(values.length, 0, 0, rho, normal);
    if (Math.abs(fitStep(xs, findSplit(xs)).t) >= Math.abs(fit.t) * (1 - 1e-12)) atLeast++;
  }
  return (1 + atLeast) / (1 + replicates);
}
