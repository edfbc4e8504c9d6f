/**
 * The before/after ceiling: what any judge of a release that updated every host could reach. The perfect-counterfactual
 * ceiling (counterfactual-ceiling.ts) knows the wander inside the window, which no before/after design can see. This
 * oracle knows the traffic model and every pre-deploy minute — the base rate, the daily cycle, the real requests, the
 * slow and fast AR(1) states of the log wander at the deploy minute, every burst and the wander's shape over the window —
 * and is denied only the window's GLS level of the log wander: with S the covariance of the window's log wander given
 * the states, the level U = 1'S⁻¹r / 1'S⁻¹1 of the deviations r from their conditional mean is N(0, v), v = 1 / 1'S⁻¹1,
 * and independent of the shape r − U (Aitken's generalized least squares). Given all that, the window's count is
 * Poisson(A·e^U) under no change and Poisson(f·A·e^U) under a factor f: a Poisson–log-normal family with a monotone
 * likelihood ratio, so the randomized test on the count at level α is the most powerful test of any data
 * (Neyman–Pearson; Karlin & Rubin 1956 for the monotone ratio), and its power a strict upper bound for every
 * before/after judge. Port of scripts/reference/before_after_ceiling.py's "state known" oracle, here per release.
 */
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { logPoissonPmf, poissonSf } from "./counterfactual-ceiling.ts";
import type { WanderPath } from "./release-scenario.ts";

/** The covariance of the next `minutes` values of the sum of two AR(1) processes given both states now. */
function conditionalCovariance(minutes: number, rho: WanderPath["rho"], sd: WanderPath["sd"]): Matrix {
  const part = (r: number, v: number, i: number, j: number) => v * v * (r ** Math.abs(i - j) - r ** (i + j));
  const s = new Matrix(minutes, minutes);
  for (let i = 1; i <= minutes; i++) {
    for (let j = 1; j <= minutes; j++) s.set(i - 1, j - 1, part(rho.slow, sd.slow, i, j) + part(rho.fast, sd.fast, i, j));
  }
  return s;
}

/** GLS weights g = S⁻¹1 / 1'S⁻¹1 and the level's variance v = 1 / 1'S⁻¹1, per window length (memoised: the model is fixed). */
const glsMemo = new Map<string, { weights: Float64Array; variance: number }>();
export function glsLevel(minutes: number, rho: WanderPath["rho"], sd: WanderPath["sd"]): { weights: Float64Array; variance: number } {
  const key = `${minutes}:${rho.slow}:${rho.fast}:${sd.slow}:${sd.fast}`;
  const known = glsMemo.get(key);
  if (known) return known;
  // S x = 1 by Cholesky (S is symmetric positive definite), as the capacity fit solves its normal equations.
  const x = Float64Array.from(new CholeskyDecomposition(conditionalCovariance(minutes, rho, sd)).solve(Matrix.ones(minutes, 1)).getColumn(0));
  const total = x.reduce((a, b) => a + b, 0);
  const fit = { weights: x.map((w) => w / total), variance: 1 / total };
  glsMemo.set(key, fit);
  return fit;
}

/** The unknown level U ~ N(0, v) on a grid of ±7 sd: nodes in sd units and their normalized normal weights. */
const GRID = Array.from({ length: 141 }, (_, i) => -7 + i * 0.1);
const GRID_WEIGHTS = (() => {
  const w = GRID.map((z) => Math.exp(-z * z / 2));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
})();

const poissonPmf = (k: number, mu: number) => (mu > 0 ? Math.exp(logPoissonPmf(k, mu)) : k === 0 ? 1 : 0);

/** Adds weight × Poisson(mu) probabilities into pmf[0..], walking out from the mode by the pmf's recurrence. */
function addPoisson(pmf: Float64Array, mu: number, weight: number): void {
  const mode = Math.min(pmf.length - 1, Math.floor(mu));
  const atMode = weight * poissonPmf(mode, mu);
  let p = atMode;
  for (let x = mode; x < pmf.length && p > 0; x++) {
    pmf[x]! += p;
    p *= mu / (x + 1);
  }
  p = atMode;
  for (let x = mode - 1; x >= 0 && p > 0; x--) {
    p *= (x + 1) / mu;
    pmf[x]! += p;
  }
}

/**
 * Power of the level-α randomized test on a count X ~ Poisson(A·e^U), U ~ N(0, v), against X ~ Poisson(f·A·e^u) at
 * the window's real level u: reject X ≥ c, and X = c − 1 with the probability that spends α exactly.
 */
export function mixturePower(known: number, variance: number, level: number, factor: number, alpha: number): number {
  if (!(known > 0)) return 0;
  const sd = Math.sqrt(variance), top = known * Math.exp(7 * sd);
  const pmf = new Float64Array(Math.ceil(top + 12 * Math.sqrt(top) + 40));
  GRID.forEach((z, q) => addPoisson(pmf, known * Math.exp(sd * z), GRID_WEIGHTS[q]!));
  // tail = P0(X ≥ c), summed from the top down until it would pass alpha.
  let c = pmf.length, tail = 0;
  while (c > 1 && tail + pmf[c - 1]! <= alpha) tail += pmf[--c]!;
  const chance = pmf[c - 1]! > 0 ? (alpha - tail) / pmf[c - 1]! : 0;
  const mu = factor * known * Math.exp(level);
  return poissonSf(c, mu) + chance * poissonPmf(c - 1, mu);
}

/**
 * The before/after ceiling of one release whose wander is all shared, over the first `minutes` after the deploy at
 * index `deployAt` of the path: the power of the oracle's test above for an error factor `factor`.
 */
export function beforeAfterCeilingPower(path: WanderPath, deployAt: number, minutes: number, factor: number, alpha: number): number {
  const { weights, variance } = glsLevel(minutes, path.rho, path.sd);
  const slow0 = path.slow[deployAt - 1]!, fast0 = path.fast[deployAt - 1]!;
  const expectedLog = (k: number) => path.rho.slow ** k * slow0 + path.rho.fast ** k * fast0;
  let level = 0;
  for (let k = 1; k <= minutes; k++) {
    const i = deployAt + k - 1;
    level += weights[k - 1]! * (path.slow[i]! + path.fast[i]! - expectedLog(k));
  }
  let known = 0;
  for (let k = 1; k <= minutes; k++) {
    const i = deployAt + k - 1;
    const shape = path.slow[i]! + path.fast[i]! - expectedLog(k) - level;
    known += path.unwandered[i]! * Math.exp(expectedLog(k) + shape - path.logMeanFix) * path.burst[i]!;
  }
  return mixturePower(known, variance, level, factor, alpha);
}
