/**
 * The median of the squared Pearson residual (k − μ)²/μ of a Poisson(μ) count, exactly (the distribution is discrete).
 * At large μ it tends to the χ²₁ median 0.455; at the few events of a quiet 5-minute block it does not (μ = 1 gives 1),
 * and dividing by 0.455 there read pure Poisson noise as φ ≈ 2. Blocks with different μ share one pooled median.
 */
import { logGamma } from "./gamma-function.ts";

// P(|k − μ| ≤ √(mμ)) for k ~ Poisson(μ): the pmf summed outwards from the lowest k in range by its recurrence.
function residualCdf(mean: number, m: number): number {
  const reach = Math.sqrt(m * mean);
  const lo = Math.max(0, Math.ceil(mean - reach)), hi = Math.floor(mean + reach);
  if (hi < lo) return 0;
  let pmf = Math.exp(lo * Math.log(mean) - mean - logGamma(lo + 1)), sum = 0;
  for (let k = lo; k <= hi; k++) {
    sum += pmf;
    pmf *= mean / (k + 1);
  }
  return Math.min(1, sum);
}

/**
 * The pooled median: the smallest m with mean_i P(r_i² ≤ m) ≥ ½ over blocks with expected counts `means`
 * (bisection on the step function to the jump, then snapped onto the atom (k − μ)²/μ it converged to).
 */
export function poissonResidualMedian(means: readonly number[]): number {
  const usable = means.filter((m) => m > 0 && Number.isFinite(m));
  if (usable.length === 0) return NaN;
  const share = (m: number) => usable.reduce((a, mean) => a + residualCdf(mean, m), 0) / usable.length;
  let lo = 0, hi = 1;
  while (share(hi) < 0.5) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1e-12 * hi) {
    const mid = (lo + hi) / 2;
    if (share(mid) >= 0.5) hi = mid;
    else lo = mid;
  }
  let atom = 0;
  for (const mean of usable) {
    const reach = Math.sqrt(hi * mean);
    for (const k of [Math.floor(mean - reach), Math.ceil(mean - reach), Math.floor(mean + reach), Math.ceil(mean + reach)]) {
      const value = (k - mean) ** 2 / mean;
      if (k >= 0 && value <= hi * (1 + 1e-9) && value > atom) atom = value;
    }
  }
  return atom;
}
