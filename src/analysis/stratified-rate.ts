import { normalCdf, normalQuantile } from "./special-functions.ts";
import type { Alternative } from "./rate-test.ts";
import type { RateCounts } from "./classify-rate.ts";

export interface Stratum {
  baseline: RateCounts;
  candidate: RateCounts;
}

export interface StratifiedRateComparison {
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
  pValue: number;
  /** Candidate errors, and the errors the candidate's traffic would have had at the baseline's per-stratum rates. */
  observed: number;
  expected: number;
  strata: number;
}

/**
 * Mantel–Haenszel rate ratio across strata (routes) with the Greenland–Robins variance of its log, and a Wald test
 * (Greenland & Robins 1985, Biometrics 41:55–68). A shift in traffic mix towards a route that always errs more moves
 * the crude rate but not this ratio. A 0.5 continuity correction keeps it finite when one side has no events.
 * `phi` and `tau2` (dispersion.ts, window-wander.ts) widen it as the crude test is widened: φ·GR + τ².
 */
export function compareStratifiedRates(strata: readonly Stratum[], alternative: Alternative, confidence: number, wander: { phi?: number; tau2?: number } = {}): StratifiedRateComparison {
  let num = 0, den = 0, variance = 0, observed = 0, expected = 0, used = 0;
  const anyZero = strata.reduce((z, s) => z + s.baseline.events, 0) === 0 || strata.reduce((z, s) => z + s.candidate.events, 0) === 0;
  const k = anyZero ? 0.5 : 0;
  for (const s of strata) {
    const t0 = s.baseline.exposure, t1 = s.candidate.exposure, t = t0 + t1;
    if (t0 <= 0 || t1 <= 0) continue;
    used++;
    const a = s.candidate.events + k * (t1 / t), b = s.baseline.events + k * (t0 / t);
    num += (a * t0) / t;
    den += (b * t1) / t;
    variance += ((a + b) * t1 * t0) / (t * t);
    observed += s.candidate.events;
    expected += (t1 * s.baseline.events) / t0;
  }
  if (used === 0 || num === 0 || den === 0) return { ratio: 1, ratioLow: 0, ratioHigh: Infinity, pValue: 1, observed, expected, strata: used };
  const ratio = num / den;
  const se = Math.sqrt((wander.phi ?? 1) * (variance / (num * den)) + (wander.tau2 ?? 0));
  const z = Math.log(ratio) / se;
  const pValue = alternative === "greater" ? normalCdf(-z) : alternative === "less" ? normalCdf(z) : 2 * normalCdf(-Math.abs(z));
  const q = normalQuantile(alternative === "two-sided" ? (1 + confidence) / 2 : confidence);
  return {
    ratio,
    ratioLow: alternative === "less" ? 0 : Math.exp(Math.log(ratio) - q * se),
    ratioHigh: alternative === "greater" ? Infinity : Math.exp(Math.log(ratio) + q * se),
    pValue,
    observed,
    expected,
    strata: used,
  };
}
