import { betaQuantile, betaTails } from "../beta-distribution.ts";

// Upper tail of Student's t, P(T > t), through the incomplete beta: I_{ν/(ν+t²)}(ν/2, 1/2) / 2 (Abramowitz–Stegun 26.7.1).
export function tUpperTail(t: number, df: number): number {
  const x = df / (df + t * t);
  const half = betaTails(x, (t * t) / (df + t * t), df / 2, 0.5).lower / 2;
  return t >= 0 ? half : 1 - half;
}

// Quantile of Student's t for p > 0.5, inverting the same incomplete-beta identity.
export function tQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  const tail = p > 0.5 ? 1 - p : p;
  const x = betaQuantile(2 * tail, df / 2, 0.5);
  const t = Math.sqrt((df * (1 - x)) / x);
  return p > 0.5 ? t : -t;
}

// Upper tail of Fisher's F(d1, d2): I_{d2/(d2+d1·f)}(d2/2, d1/2) (Abramowitz–Stegun 26.6.2).
export function fUpperTail(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  const x = d2 / (d2 + d1 * f);
  return betaTails(x, (d1 * f) / (d2 + d1 * f), d2 / 2, d1 / 2).lower;
}
