import type { CountedSample } from "./counted-sample.ts";
import type { Alternative } from "./rate-test.ts";

export interface RankSumAtShift {
  /** Mann–Whitney U of (candidate − shift) over baseline, ties counted ½ (= R's W). */
  u: number;
  /** Σ(t³ − t) over the tie groups of the pooled sample. */
  tieTerm: number;
}

// Mann–Whitney U with mid-ranks by one merge of the two sorted samples (Mann & Whitney 1947; R's wilcox.test W).
export function rankSumAtShift(candidate: CountedSample, baseline: CountedSample, shift: number): RankSumAtShift {
  const cv = candidate.values, cc = candidate.counts, bv = baseline.values, bc = baseline.counts;
  let i = 0, j = 0, below = 0, u = 0, tieTerm = 0;
  while (i < cv.length || j < bv.length) {
    const x = i < cv.length ? cv[i]! - shift : Infinity;
    const y = j < bv.length ? bv[j]! : Infinity;
    const value = x < y ? x : y;
    let wc = 0, wb = 0;
    while (i < cv.length && cv[i]! - shift === value) wc += cc[i++]!;
    while (j < bv.length && bv[j] === value) wb += bc[j++]!;
    u += wc * (below + 0.5 * wb);
    below += wb;
    const t = wc + wb;
    tieTerm += t * t * t - t;
  }
  return { u, tieTerm };
}

// Standard deviation of U under H0 with the tie correction (Hollander & Wolfe 1999, ch. 4), in R's order of operations.
export function rankSumSigma(nx: number, ny: number, tieTerm: number): number {
  return Math.sqrt((nx * ny / 12) * ((nx + ny + 1) - tieTerm / ((nx + ny) * (nx + ny - 1))));
}

/** R's continuity correction: towards zero for two-sided, fixed ±½ for one-sided alternatives. */
export function continuityCorrection(dz: number, alternative: Alternative, correct: boolean): number {
  if (!correct) return 0;
  if (alternative === "two-sided") return Math.sign(dz) * 0.5;
  return alternative === "greater" ? 0.5 : -0.5;
}
