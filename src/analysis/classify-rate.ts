import { compareRates } from "./rate-test.ts";
import { overdispersedRateTest, rateDispersion } from "./dispersion.ts";
import type { SignalAnalysis, SignalSettings } from "./signal-result.ts";
import { alternativeFor } from "./decide.ts";
import { compareStratifiedRates, type Stratum } from "./stratified-rate.ts";
import { windowWander } from "./window-wander.ts";
import { poissonResidualMedian } from "./poisson-residual-median.ts";

export interface RateCounts {
  events: number;
  exposure: number;
}

/** Per-minute counts before the baseline, dense and oldest first, and the baseline's length: see window-wander.ts. */
export interface RateHistory {
  series: RateCounts[];
  baselineMinutes: number;
}

/**
 * Error rate: exact conditional (binomial) test of two Poisson rates, with the Clopper–Pearson CI on the ratio. When the
 * baseline's per-minute counts wander more than Poisson noise (quasi-Poisson φ > 1), the φ-scaled Wald test is run too
 * and the larger p-value and wider interval kept: real error rates drift, and an exact Poisson test would cry wolf.
 * With history, the Wald variance also carries the window-to-window wander τ² measured on it (window-wander.ts).
 */
export function analyzeRate(baseline: RateCounts, candidate: RateCounts, s: SignalSettings, baselineSeries?: readonly RateCounts[], history?: RateHistory): SignalAnalysis {
  const details = { baselineEvents: baseline.events, baselineExposure: baseline.exposure, candidateEvents: candidate.events, candidateExposure: candidate.exposure };
  if (baseline.exposure < s.minSamples || candidate.exposure < s.minSamples) {
    const side = candidate.exposure < s.minSamples ? `after the release: ${candidate.exposure}` : `before the release: ${baseline.exposure}`;
    return { kind: "nodata", why: `too few requests ${side}, at least ${s.minSamples} needed`, details };
  }
  const r = compareRates({
    baselineEvents: baseline.events,
    baselineExposure: baseline.exposure,
    candidateEvents: candidate.events,
    candidateExposure: candidate.exposure,
    alternative: alternativeFor(s.direction),
    confidence: s.confidence,
  });
  const phi = baselineSeries ? windowScaleDispersion(baselineSeries) : 1;
  const wander = history && s.candidateMinutes
    ? windowWander(history.series, history.baselineMinutes, Math.max(1, Math.round(s.candidateMinutes)))
    : { tau2: 0, pairs: 0 };
  let { pValue, ratioLow, ratioHigh, method } = r;
  if (phi > 1 || wander.tau2 > 0) {
    const od = overdispersedRateTest(
      { events: baseline.events, exposure: baseline.exposure }, { events: candidate.events, exposure: candidate.exposure },
      phi, alternativeFor(s.direction), s.confidence, wander.tau2,
    );
    pValue = Math.max(pValue, od.pValue);
    ratioLow = Math.min(ratioLow, od.ratioLow);
    ratioHigh = Math.max(ratioHigh, od.ratioHigh);
    method = `${method}; widened for overdispersion (quasi-Poisson φ = ${phi.toFixed(2)}${wander.tau2 > 0 ? `, wander τ² = ${wander.tau2.toFixed(3)} from ${wander.pairs} window pairs of history` : ""})`;
  }
  const ratio = Number.isNaN(r.ratio) ? 1 : r.ratio;
  return {
    kind: "ok",
    stats: {
      method,
      baselineValue: r.baselineRate,
      candidateValue: r.candidateRate,
      baselineN: baseline.exposure,
      candidateN: candidate.exposure,
      absoluteChange: r.candidateRate - r.baselineRate,
      relativeChange: ratio - 1,
      ciLow: ratioLow - 1,
      ciHigh: ratioHigh - 1,
      pValue,
      details: { ...details, dispersion: phi, wander: wander.tau2, wanderPairs: wander.pairs },
    },
  };
}

/**
 * Error rate per route, combined by Mantel–Haenszel, so a shift in route mix is not blamed on the release. The same
 * wander allowance as the crude test: Var(log RR_MH) = φ × Greenland–Robins variance + τ² (stratified-rate.ts).
 */
export function analyzeStratifiedRate(strata: readonly Stratum[], s: SignalSettings, baselineSeries?: readonly RateCounts[], history?: RateHistory): SignalAnalysis {
  const sum = (pick: (x: Stratum) => number) => strata.reduce((a, x) => a + pick(x), 0);
  const baseline = { events: sum((x) => x.baseline.events), exposure: sum((x) => x.baseline.exposure) };
  const candidate = { events: sum((x) => x.candidate.events), exposure: sum((x) => x.candidate.exposure) };
  const crude = analyzeRate(baseline, candidate, s, baselineSeries, history);
  if (crude.kind === "nodata") return crude;
  const phi = crude.stats.details.dispersion ?? 1, tau2 = crude.stats.details.wander ?? 0;
  const r = compareStratifiedRates(strata, alternativeFor(s.direction), s.confidence, { phi, tau2 });
  const adjustedBaseline = candidate.exposure > 0 ? r.expected / candidate.exposure : 0;
  const widened = phi > 1 || tau2 > 0 ? `, widened for overdispersion (quasi-Poisson φ = ${phi.toFixed(2)}${tau2 > 0 ? `, wander τ² = ${tau2.toFixed(3)}` : ""})` : "";
  return {
    kind: "ok",
    stats: {
      ...crude.stats,
      method: `Mantel–Haenszel rate ratio over ${r.strata} routes (Greenland–Robins variance)${widened}`,
      baselineValue: adjustedBaseline,
      absoluteChange: crude.stats.candidateValue - adjustedBaseline,
      relativeChange: r.ratio - 1,
      ciLow: r.ratioLow - 1,
      ciHigh: r.ratioHigh - 1,
      pValue: r.pValue,
      details: { ...crude.stats.details, crudeBaselineRate: crude.stats.baselineValue, routes: r.strata },
    },
  };
}

/**
 * Dispersion at the timescale that moves a window's average: minute-to-minute φ misses slow wander, so φ is also
 * measured on 5-minute blocks (needs ≥ 5 blocks; robust, so one burst does not make every release "too noisy to
 * judge") and the larger kept. Quasi-Poisson φ as in dispersion.ts.
 */
export function windowScaleDispersion(series: readonly RateCounts[]): number {
  const blocks: RateCounts[] = [];
  for (let i = 0; i + 5 <= series.length; i += 5) {
    const part = series.slice(i, i + 5);
    blocks.push({ events: part.reduce((a, p) => a + p.events, 0), exposure: part.reduce((a, p) => a + p.exposure, 0) });
  }
  return Math.max(rateDispersion([...series]).phi, robustDispersion(blocks));
}

/**
 * Burst-resistant φ: median squared Pearson residual over its exact median under Poisson at each block's expected count
 * (a robust scale, Huber & Ronchetti 2009, §5; poisson-residual-median.ts). Both are lower medians, the smallest value
 * where the distribution reaches ½, so pure Poisson blocks give φ → 1 at any count; the χ²₁ median (0.455) gave 2.2.
 */
export function robustDispersion(intervals: readonly RateCounts[]): number {
  const usable = intervals.filter((c) => c.exposure > 0);
  const events = usable.reduce((a, c) => a + c.events, 0), exposure = usable.reduce((a, c) => a + c.exposure, 0);
  if (usable.length < 5 || events === 0) return 1;
  const means = usable.map((c) => (c.exposure * events) / exposure);
  const squares = usable.map((c, i) => (c.events - means[i]!) ** 2 / means[i]!).sort((a, b) => a - b);
  return Math.max(1, squares[Math.ceil(squares.length / 2) - 1]! / poissonResidualMedian(means));
}
