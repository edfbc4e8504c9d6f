import { betaTails } from "./beta-distribution.ts";
import { logBinomialDensity } from "./gamma-function.ts";

function validArguments(n: number, p: number): boolean {
  return Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1;
}

// Binomial probability mass by Loader's saddle-point method (R's dbinom).
export function binomialPmf(k: number, n: number, p: number): number {
  if (!validArguments(n, p) || Number.isNaN(k)) return NaN;
  if (!Number.isInteger(k)) return 0;
  return Math.exp(logBinomialDensity(k, n, p, 1 - p));
}

// P(X ≤ k) for X ~ Binomial(n, p) as the upper tail of I_p(k+1, n−k) (Abramowitz & Stegun 26.5.24).
export function binomialCdf(k: number, n: number, p: number): number {
  if (!validArguments(n, p) || Number.isNaN(k)) return NaN;
  const j = Math.floor(k + 1e-7);
  if (j < 0) return 0;
  if (j >= n) return 1;
  return betaTails(p, 1 - p, j + 1, n - j).upper;
}

// P(X ≥ k) for X ~ Binomial(n, p) as I_p(k, n−k+1) (Abramowitz & Stegun 26.5.24), computed directly, not as 1 − CDF.
export function binomialSf(k: number, n: number, p: number): number {
  if (!validArguments(n, p) || Number.isNaN(k)) return NaN;
  const j = Math.ceil(k - 1e-7);
  if (j <= 0) return 1;
  if (j > n) return 0;
  return betaTails(p, 1 - p, j, n - j + 1).lower;
}
