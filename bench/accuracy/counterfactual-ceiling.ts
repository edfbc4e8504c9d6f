/**
 * The perfect-counterfactual ceiling beside each cell: what no design can beat. The rate the release would have had
 * without the change is known exactly (no wander, no baseline noise); only the window's Poisson noise is left. Power of
 * the one-sided exact Poisson test at the cell's maximum window (port of the review's verdict-sim/ceiling.py).
 */
import { logGamma } from "../../src/analysis/gamma-function.ts";

const logPmf = (j: number, mu: number) => j * Math.log(mu) - mu - logGamma(j + 1);

/** P(X ≥ k) for X ~ Poisson(mu), by summing the smaller side's probabilities outward from k. */
export function poissonSf(k: number, mu: number): number {
  if (k <= 0) return 1;
  if (!(mu > 0)) return 0;
  let sum = 0;
  if (k > mu) {
    for (let j = k; ; j++) {
      const p = Math.exp(logPmf(j, mu));
      sum += p;
      if (p <= sum * 1e-17 || (p === 0 && j > mu)) return Math.min(1, sum);
    }
  }
  for (let j = k - 1; j >= 0; j--) {
    const p = Math.exp(logPmf(j, mu));
    sum += p;
    if (p <= sum * 1e-17) break;
  }
  return Math.max(0, 1 - sum);
}

/** The smallest count c with P(X ≥ c | mu0) ≤ alpha: the exact test rejects at X ≥ c. */
export function criticalCount(mu0: number, alpha: number): number {
  let c = Math.max(1, Math.floor(mu0));
  while (poissonSf(c, mu0) > alpha) c++;
  while (c > 1 && poissonSf(c - 1, mu0) <= alpha) c--;
  return c;
}

/** Power of that test when the count is really Poisson(factor × mu0). */
export function ceilingPower(mu0: number, factor: number, alpha: number): number {
  if (!(mu0 > 0)) return 0;
  return poissonSf(criticalCount(mu0, alpha), factor * mu0);
}
