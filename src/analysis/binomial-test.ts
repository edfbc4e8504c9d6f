import { betaQuantile } from "./beta-distribution.ts";
import { binomialCdf, binomialPmf, binomialSf } from "./binomial-distribution.ts";
import type { Alternative } from "./rate-test.ts";

export interface BinomialTestResult {
  pValue: number;
  /** Clopper–Pearson bounds on the success probability; one-sided alternatives give one-sided intervals, as R does. */
  low: number;
  high: number;
}

// R's fuzz for "as or less likely than the observed count" in the two-sided p-value.
const RELATIVE_FUZZ = 1 + 1e-7;

// First index in [from, to] where the monotone predicate turns true (to + 1 when it never does).
function firstTrue(from: number, to: number, predicate: (i: number) => boolean): number {
  let lo = from, hi = to + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (predicate(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Two-sided exact binomial p-value by the "minlike" rule: sum of all outcomes no more likely than x (R's binom.test, scipy's binomtest).
function twoSidedPValue(x: number, n: number, p: number): number {
  const mean = n * p;
  if (x === mean) return 1;
  const limit = binomialPmf(x, n, p) * RELATIVE_FUZZ;
  if (x < mean) {
    const from = Math.ceil(mean);
    const firstUnlikely = firstTrue(from, n, (i) => binomialPmf(i, n, p) <= limit);
    return Math.min(1, binomialCdf(x, n, p) + binomialSf(firstUnlikely, n, p));
  }
  const to = Math.floor(mean);
  const firstLikely = firstTrue(0, to, (i) => binomialPmf(i, n, p) > limit);
  return Math.min(1, binomialCdf(firstLikely - 1, n, p) + binomialSf(x, n, p));
}

// Exact binomial test with the Clopper–Pearson interval (Clopper & Pearson 1934; R's binom.test).
export function binomialTest(x: number, n: number, p: number, alternative: Alternative, confidence: number): BinomialTestResult {
  const lowerBound = (alpha: number): number => (x === 0 ? 0 : betaQuantile(alpha, x, n - x + 1));
  const upperBound = (alpha: number): number => (x === n ? 1 : betaQuantile(1 - alpha, x + 1, n - x));
  switch (alternative) {
    case "less":
      return { pValue: binomialCdf(x, n, p), low: 0, high: upperBound(1 - confidence) };
    case "greater":
      return { pValue: binomialSf(x, n, p), low: lowerBound(1 - confidence), high: 1 };
    case "two-sided": {
      const alpha = (1 - confidence) / 2;
      return { pValue: twoSidedPValue(x, n, p), low: lowerBound(alpha), high: upperBound(alpha) };
    }
  }
}
