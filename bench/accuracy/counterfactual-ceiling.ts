/**
 * The perfect-counterfactual ceiling beside each cell: what no design can beat. The rate the release would have had
 * without the change is known exactly (no wander, no baseline noise); only the window's Poisson noise is left. Power of
 * the one-sided exact Poisson test at the cell's maximum window (port of the review's verdict-sim/ceiling.py).
 */
import { logGamma } from "../../src/analysis/gamma-function.ts";

export const logPoissonPmf = (j: number, mu: number) => j * Math.log(mu) - mu - logGamma(j + 1);

/** P(X ≥ k) for X ~ Poisson(mu), by summing the smaller side's probabilities outward from k. */
export function poissonSf(k: number, mu: number): number {
  if (k <= 0) return 1;
  if (!(mu > 0)) return 0;
  let sum = 0;
  if (k > mu) {
    for (let j = k; ; j++) {
      const p = Math.exp(logPoissonPmf(j, mu));
      sum += p;
      if (p <= sum * 1e-17 || (p === 0 && j > mu)) return Math.min(1, sum);
    }
  }
  for (let j = k - 1; j >= 0; j--) {
    const p = Math.exp(logPoissonPmf(j, mu));
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

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials.push(logFactorials[k - 1]! + Math.log(k));
  return logFactorials[n]!;
}

const logBinomialPmf = (x: number, n: number, logP: number, logQ: number) =>
  logFactorial(n) - logFactorial(x) - logFactorial(n - x) + x * logP + (n - x) * logQ;

/**
 * The concurrent ceiling: the best a test on the two groups' counts over the same minutes can do, with the groups'
 * usual ratio known and no wander between them. Given the total N, the candidate's count is Binomial(N, θμ0 / (θμ0 + μc)),
 * and the randomized conditional test is uniformly most powerful unbiased for θ (Lehmann & Romano, Testing Statistical
 * Hypotheses, 3rd ed., §4.5); its power is summed over N ~ Poisson(f·μ0 + μc). The control's own Poisson noise is what
 * keeps it below the perfect counterfactual (ceilingPower), which knows μ0.
 */
export function concurrentCeilingPower(mu0: number, muControl: number, factor: number, alpha: number): number {
  if (!(mu0 > 0 && muControl > 0)) return 0;
  const p0 = mu0 / (mu0 + muControl), p1 = (factor * mu0) / (factor * mu0 + muControl);
  const [lp0, lq0, lp1, lq1] = [Math.log(p0), Math.log1p(-p0), Math.log(p1), Math.log1p(-p1)];
  const mean = factor * mu0 + muControl, spread = 12 * Math.sqrt(mean) + 12;
  let power = 0;
  for (let n = Math.max(1, Math.floor(mean - spread)); n <= Math.ceil(mean + spread); n++) {
    const weight = Math.exp(n * Math.log(mean) - mean - logFactorial(n));
    // Walk the null's upper tail down from n to the first count c where it passes alpha: reject above c, at c by chance.
    let tail = 0, above1 = 0, x = n;
    for (; x >= 0; x--) {
      const at0 = Math.exp(logBinomialPmf(x, n, lp0, lq0)), at1 = Math.exp(logBinomialPmf(x, n, lp1, lq1));
      if (tail + at0 > alpha) {
        power += weight * (above1 + ((alpha - tail) / at0) * at1);
        break;
      }
      tail += at0;
      above1 += at1;
    }
  }
  return power;
}
