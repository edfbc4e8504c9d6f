/**
 * "Pass" on a quiet window only means something if the window could have seen the rule's effect. These functions give
 * the power of the tests deploy-guard runs, and how much more data would reach a target power.
 * - rates: the one-sided log-ratio Wald test of dispersion.ts, run on 400 equal-probability quantiles of each count
 *   (Poisson, or φ·Poisson(μ/φ) when overdispersed) instead of a normal formula: at the small counts of a quiet window
 *   the normal formula is off by up to 0.09, mostly too hopeful, and a zero baseline needs the test's own correction.
 * - shifts: Mann–Whitney on log values, where a relative shift is a constant shift; the spread comes as the raw
 *   coefficient of variation (log-normal: σ² = ln(1 + cv²)) or directly as the standard deviation of the log values.
 */
import { AnalysisInputError } from "./analysis-error.ts";
import { logRateRatio } from "./dispersion.ts";
import { logGamma } from "./gamma-function.ts";
import { normalCdf, normalQuantile } from "./normal-distribution.ts";

export interface RatePowerInput {
  baselineRate: number;
  baselineExposure: number;
  candidateExposure: number;
  /** The rule's effect: detect baselineRate·(1 + relativeEffect) or baselineRate + absoluteEffect, whichever is larger. */
  relativeEffect: number;
  absoluteEffect: number;
  /** One-sided significance level of the test, e.g. 0.01. */
  alpha: number;
  /** Dispersion from rateDispersion; 1 (Poisson) when omitted. */
  phi?: number;
}

export interface ShiftPowerInput {
  baselineN: number;
  candidateN: number;
  /** e.g. 0.2 for latencies 20 % higher; the power is that of the one-sided test in the shift's direction. */
  relativeShift: number;
  /** Coefficient of variation of the raw values; ignored when logSd is given. */
  cv?: number;
  /** Standard deviation of the log values. */
  logSd?: number;
  alpha: number;
}

function targetRate(input: Omit<RatePowerInput, "candidateExposure">): number {
  const { baselineRate, relativeEffect, absoluteEffect } = input;
  const rate = Math.max(baselineRate * (1 + relativeEffect), baselineRate + absoluteEffect);
  if (!(baselineRate >= 0 && rate > baselineRate && Number.isFinite(rate))) {
    throw new AnalysisInputError("INVALID_INPUT", `the effect must raise the rate above ${baselineRate}, got relative ${relativeEffect}, absolute ${absoluteEffect}`);
  }
  return rate;
}

const NODES = 400;

// Equal-weight quantile nodes of φ·Poisson(μ/φ) (mean μ, variance φμ: the quasi-Poisson count model); normal quantiles past 10⁴ expected clumps.
function countNodes(mean: number, phi: number): Float64Array {
  const m = mean / phi;
  const nodes = new Float64Array(NODES);
  if (m > 1e4) return nodes.map((_, j) => Math.max(0, mean + Math.sqrt(phi * mean) * normalQuantile((j + 0.5) / NODES)));
  if (m === 0) return nodes;
  let k = Math.max(0, Math.floor(m - 12 * Math.sqrt(m) - 5)), cdf = 0;
  for (let j = 0; j < NODES; j++) {
    while (cdf < (j + 0.5) / NODES) cdf += Math.exp(k++ * Math.log(m) - m - logGamma(k));
    nodes[j] = phi * (k - 1);
  }
  return nodes;
}

// z of the test in dispersion.ts; no events on either side never rejects.
function waldZ(b: number, c: number, bx: number, cx: number, phi: number): number {
  if (b === 0 && c === 0) return -Infinity;
  const { logRatio, se } = logRateRatio(b, bx, c, cx, phi);
  return logRatio / se;
}

// Power of the one-sided log rate-ratio Wald test, the test run on quantile nodes of both counts (resolution 1/NODES); normal formulas (Gu et al. 2008, Biom. J. 50) overstate it at small counts.
export function rateDetectionPower(input: RatePowerInput): number {
  const rate = targetRate(input);
  const phi = input.phi ?? 1;
  const { baselineRate, baselineExposure: bx, candidateExposure: cx } = input;
  if (!(bx > 0 && cx > 0)) return 0;
  const z = normalQuantile(1 - input.alpha);
  const baseline = countNodes(baselineRate * bx, phi), candidate = countNodes(rate * cx, phi);
  let rejected = 0;
  for (const b of baseline) {
    // z rises with the candidate count, so the rejected nodes are a suffix: find where it starts.
    let lo = 0, hi = NODES;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (waldZ(b, candidate[mid]!, bx, cx, phi) > z) hi = mid;
      else lo = mid + 1;
    }
    rejected += NODES - lo;
  }
  return rejected / (NODES * NODES);
}

// Candidate exposure reaching the target power, by bisection on a log scale; ∞ when even endless candidate traffic cannot (the baseline is too small).
export function exposureNeededForRate(input: Omit<RatePowerInput, "candidateExposure"> & { power: number }): number {
  const rate = targetRate(input);
  const powerAt = (events: number): number => rateDetectionPower({ ...input, candidateExposure: events / rate });
  let lo = 1e-3, hi = 1e12;
  if (powerAt(hi) < input.power) return Infinity;
  if (powerAt(lo) >= input.power) return lo / rate;
  for (let i = 0; i < 200 && hi / lo > 1 + 1e-12; i++) {
    const mid = Math.sqrt(lo * hi);
    if (powerAt(mid) >= input.power) hi = mid;
    else lo = mid;
  }
  return hi / rate;
}

// P(candidate > baseline) for log-normal values shifted by ln(1 + shift): Φ(δ / (σ√2)).
function superiority(input: Omit<ShiftPowerInput, "candidateN">): number {
  const sd = input.logSd ?? (input.cv !== undefined ? Math.sqrt(Math.log1p(input.cv * input.cv)) : NaN);
  if (!(sd >= 0) || !(input.relativeShift > -1)) throw new AnalysisInputError("INVALID_INPUT", `need a spread (cv or logSd) of 0 or more and a shift above −100 %, got sd ${sd}, shift ${input.relativeShift}`);
  // No spread (a constant gauge): every shifted value lies beyond every baseline value, the limit of Φ(δ / (σ√2)).
  if (sd === 0) return input.relativeShift > 0 ? 1 : input.relativeShift < 0 ? 0 : 0.5;
  return normalCdf(Math.log1p(input.relativeShift) / (sd * Math.SQRT2));
}

// Power of the one-sided Mann–Whitney test by Noether's normal approximation (Noether 1987, JASA 82: N = (zα + zβ)² / (12c(1−c)(p − ½)²)).
export function shiftDetectionPower(input: ShiftPowerInput): number {
  const p = superiority(input);
  const { baselineN: m, candidateN: n } = input;
  if (!(m > 0 && n > 0)) return 0;
  return normalCdf(Math.abs(p - 0.5) * Math.sqrt((12 * m * n) / (m + n)) - normalQuantile(1 - input.alpha));
}

// Noether's formula solved for the candidate size at a fixed baseline size: mn/(m + n) = (zα + zβ)² / (12(p − ½)²).
export function samplesNeededForShift(input: Omit<ShiftPowerInput, "candidateN"> & { power: number }): number {
  const p = superiority(input);
  const k = ((normalQuantile(1 - input.alpha) + normalQuantile(input.power)) / (p - 0.5)) ** 2 / 12;
  const m = input.baselineN;
  return m > k ? Math.ceil((k * m) / (m - k)) : Infinity;
}

/** Whole minutes until samplesNeeded at the traffic seen so far: 0 when already enough, ∞ when nothing has arrived. */
export function minutesNeeded(samplesNeeded: number, samplesSoFar: number, minutesSoFar: number): number {
  if (samplesSoFar >= samplesNeeded) return 0;
  if (!(samplesSoFar > 0 && minutesSoFar > 0) || !Number.isFinite(samplesNeeded)) return Infinity;
  return Math.ceil((samplesNeeded - samplesSoFar) / (samplesSoFar / minutesSoFar));
}
