/** Null distribution of the Mann–Whitney U for samples of m and n without ties: counts[u] of arrangements, and their total. */
export interface WilcoxonDistribution {
  m: number;
  n: number;
  counts: Float64Array;
  total: number;
}

// Counts of U as the coefficients of the Gaussian binomial [m+n choose m]_q = Π (1 − q^(n+i)) / (1 − q^i) (Andrews 1976, ch. 3; Harding 1984).
export function wilcoxonDistribution(m: number, n: number): WilcoxonDistribution {
  const counts = new Float64Array(m * n + 1);
  counts[0] = 1;
  for (let i = 1; i <= m; i++) {
    const degree = i * n;
    for (let k = Math.min(degree, m * n); k >= n + i; k--) counts[k]! -= counts[k - n - i]!;
    for (let k = i; k <= degree; k++) counts[k]! += counts[k - i]!;
  }
  let total = 0;
  for (const c of counts) total += c;
  return { m, n, counts, total };
}

/** P(U ≤ u) under H0. */
export function wilcoxonCdf(d: WilcoxonDistribution, u: number): number {
  let sum = 0;
  for (let k = 0; k <= Math.min(u, d.m * d.n); k++) sum += d.counts[k]!;
  return sum / d.total;
}

/** P(U ≥ u) under H0, summed from the top so small upper tails keep their precision. */
export function wilcoxonSf(d: WilcoxonDistribution, u: number): number {
  let sum = 0;
  for (let k = d.m * d.n; k >= Math.max(u, 0); k--) sum += d.counts[k]!;
  return sum / d.total;
}

// Quantile of U: smallest q with P(U ≤ q) ≥ p, with R's 10·ε fuzz (R's qwilcox).
export function wilcoxonQuantile(d: WilcoxonDistribution, p: number): number {
  const mn = d.m * d.n;
  let cumulative = 0;
  if (p <= 0.5) {
    const target = p - 10 * Number.EPSILON;
    for (let q = 0; q <= mn; q++) {
      cumulative += d.counts[q]! / d.total;
      if (cumulative >= target) return q;
    }
    return mn;
  }
  const target = 1 - p + 10 * Number.EPSILON;
  for (let q = 0; q <= mn; q++) {
    cumulative += d.counts[q]! / d.total;
    if (cumulative > target) return mn - q;
  }
  return 0;
}
