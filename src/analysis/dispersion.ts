/**
 * Real error rates wander from minute to minute more than Poisson noise allows, so the exact Poisson test in
 * rate-test.ts reads that wander as a change. These functions measure the extra variance on the baseline (φ) and
 * widen the rate comparison by it. Estimate φ on baseline intervals only: a step inside the series inflates φ and would
 * hide the very change being tested.
 */
import { AnalysisInputError } from "./analysis-error.ts";
import { normalCdf, normalQuantile } from "./normal-distribution.ts";
import type { Alternative, RateComparison } from "./rate-test.ts";

export interface EventCounts {
  events: number;
  exposure: number;
}

export interface Dispersion {
  /** Variance ÷ Poisson variance, never below 1. */
  phi: number;
  /** Intervals with exposure that entered the estimate. */
  intervals: number;
}

/** Fewer intervals than this leave φ too noisy to widen anything: φ = 1 (plain Poisson) is reported instead. */
export const MIN_DISPERSION_INTERVALS = 5;

const WALD_METHOD = "Wald test of the log rate ratio, variance scaled by the dispersion φ";
const NO_EVENTS_METHOD = "no events on either side";

function checkedCounts(counts: EventCounts, side: string): EventCounts {
  const { events, exposure } = counts;
  if (!(Number.isFinite(events) && events >= 0)) throw new AnalysisInputError("INVALID_INPUT", `${side} events must be a non-negative number, got ${events}`);
  if (exposure === 0) throw new AnalysisInputError("NO_EXPOSURE", `${side} exposure is 0: there is nothing to compare on that side`);
  if (!(Number.isFinite(exposure) && exposure > 0)) throw new AnalysisInputError("INVALID_INPUT", `${side} exposure must be a positive number, got ${exposure}`);
  return counts;
}

// Pearson (quasi-Poisson) dispersion φ = Σ(e − E)²/E / (k − 1) under one common rate (McCullagh & Nelder 1989, §4.5).
export function rateDispersion(perInterval: EventCounts[]): Dispersion {
  perInterval.forEach((c, i) => {
    if (!(c.exposure === 0 && c.events === 0)) checkedCounts(c, `interval ${i}`);
  });
  const usable = perInterval.filter((c) => c.exposure > 0);
  const k = usable.length;
  const events = usable.reduce((sum, c) => sum + c.events, 0);
  const exposure = usable.reduce((sum, c) => sum + c.exposure, 0);
  if (k < MIN_DISPERSION_INTERVALS || events === 0) return { phi: 1, intervals: k };
  const rate = events / exposure;
  let pearson = 0;
  for (const c of usable) {
    const expected = c.exposure * rate;
    pearson += (c.events - expected) ** 2 / expected;
  }
  return { phi: Math.max(1, pearson / (k - 1)), intervals: k };
}

function pValueOf(z: number, alternative: Alternative): number {
  if (alternative === "greater") return normalCdf(-z);
  if (alternative === "less") return normalCdf(z);
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/**
 * log(candidate rate / baseline rate) and its standard error √(φ(1/e_b + 1/e_c) + τ²), corrected as below when one
 * count is 0; τ² is the window-to-window wander of window-wander.ts (0 when unknown).
 */
export function logRateRatio(baselineEvents: number, baselineExposure: number, candidateEvents: number, candidateExposure: number, phi: number, tau2 = 0): { logRatio: number; se: number; corrected: boolean } {
  // Haldane–Anscombe ½ on both counts (Haldane 1956, Ann. Hum. Genet. 20) keeps a brand-new error finite and significant.
  // ½ an event on a side with little exposure can outweigh the other side's real events, so a corrected estimate that
  // points against the data (0 candidate events read as a rise) is cut to 0: no evidence either way.
  const corrected = baselineEvents === 0 || candidateEvents === 0;
  const half = corrected ? 0.5 : 0;
  const eb = baselineEvents + half, ec = candidateEvents + half;
  let logRatio = Math.log(ec / candidateExposure) - Math.log(eb / baselineExposure);
  if (candidateEvents === 0) logRatio = Math.min(0, logRatio);
  if (baselineEvents === 0) logRatio = Math.max(0, logRatio);
  return { logRatio, se: Math.sqrt(phi * (1 / eb + 1 / ec) + tau2), corrected };
}

// Quasi-Poisson Wald test of log(candidate rate / baseline rate) with var ≈ φ(1/e_b + 1/e_c) (McCullagh & Nelder 1989, §4.5; Agresti 2013, §3.1).
export function overdispersedRateTest(baseline: EventCounts, candidate: EventCounts, phi: number, alternative: Alternative, confidence: number, tau2 = 0): RateComparison {
  if (!(confidence > 0 && confidence < 1)) throw new AnalysisInputError("INVALID_INPUT", `confidence must be in (0, 1), got ${confidence}`);
  if (!(Number.isFinite(phi) && phi > 0)) throw new AnalysisInputError("INVALID_INPUT", `phi must be a positive number, got ${phi}`);
  checkedCounts(baseline, "baseline");
  checkedCounts(candidate, "candidate");
  const baselineRate = baseline.events / baseline.exposure;
  const candidateRate = candidate.events / candidate.exposure;
  if (baseline.events === 0 && candidate.events === 0) {
    return { baselineRate, candidateRate, ratio: 1, ratioLow: 0, ratioHigh: Infinity, pValue: 1, method: NO_EVENTS_METHOD };
  }
  const { logRatio, se, corrected } = logRateRatio(baseline.events, baseline.exposure, candidate.events, candidate.exposure, phi, tau2);
  const q = normalQuantile(alternative === "two-sided" ? (1 + confidence) / 2 : confidence);
  const ratio = candidateRate / baselineRate;
  return {
    baselineRate,
    candidateRate,
    ratio,
    // The interval always contains the observed ratio, so 0 or ∞ stay as open ends.
    ratioLow: alternative === "less" || ratio === 0 ? 0 : Math.exp(logRatio - q * se),
    ratioHigh: alternative === "greater" || ratio === Infinity ? Infinity : Math.exp(logRatio + q * se),
    pValue: pValueOf(logRatio / se, alternative),
    method: `${WALD_METHOD}${tau2 > 0 ? ` plus the window-to-window wander τ² = ${tau2.toFixed(3)}` : ""}${corrected ? " (½ added to both counts: one side had none)" : ""}`,
  };
}
