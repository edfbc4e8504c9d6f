import type { Design } from "./capacity-types.ts";
import { leastSquares, type RawFit } from "./least-squares.ts";

/** 95 % efficiency at the normal (Huber 1964). */
export const HUBER_TUNING = 1.345;
const MAX_ITERATIONS = 100;

/** Median absolute deviation from zero, scaled to the normal's σ. */
function madScale(r: Float64Array): number {
  const abs = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) abs[i] = Math.abs(r[i]!);
  abs.sort();
  const mid = abs.length >> 1;
  const median = abs.length % 2 === 1 ? abs[mid]! : (abs[mid - 1]! + abs[mid]!) / 2;
  return median / 0.6744897501960817;
}

/**
 * Huber M-estimate by iteratively reweighted least squares (Huber 1964; Holland & Welsch 1977), scale by the
 * residuals' MAD at each step; standard errors are those of the final weighted fit (an approximation).
 */
export function huberFit(d: Design, confidence = 0.95, tuning = HUBER_TUNING): RawFit {
  let current = leastSquares(d, confidence);
  const weights = new Float64Array(d.y.length);
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const s = madScale(current.residuals);
    if (!(s > 0)) break;
    for (let i = 0; i < weights.length; i++) {
      const u = Math.abs(current.residuals[i]!) / s;
      weights[i] = u <= tuning ? 1 : tuning / u;
    }
    const next = leastSquares({ ...d, weights }, confidence);
    const moved = next.fit.coefficients.some((c, j) => {
      const before = current.fit.coefficients[j]!;
      return Math.abs(c.estimate - before.estimate) > 1e-10 * Math.max(1, Math.abs(before.estimate));
    });
    current = next;
    if (!moved) break;
  }
  const downweighted = weights.reduce((a, w) => a + (w < 1 ? 1 : 0), 0);
  const fit = { ...current.fit, method: "huber" as const, robust: { iterations: iterations + 1, downweighted, tuning } };
  if (downweighted > 0) fit.warnings = [...fit.warnings, `${downweighted} of ${fit.n} points were down-weighted as outliers (Huber, k = ${tuning}).`];
  return { fit, residuals: current.residuals };
}
