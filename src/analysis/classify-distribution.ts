import { mannWhitney, type WeightedSample } from "./mann-whitney.ts";
import type { SignalAnalysis, SignalSettings } from "./signal-result.ts";
import { alternativeFor } from "./decide.ts";
import { tailTest } from "./tail-test.ts";

function total(s: WeightedSample): number {
  let n = 0;
  for (const w of s.weights) n += w;
  return n;
}

/** The weighted q-quantile of a sample whose values are sorted ascending. */
export function weightedQuantile(s: WeightedSample, q: number): number {
  const n = total(s);
  let seen = 0;
  for (let i = 0; i < s.values.length; i++) {
    seen += s.weights[i] ?? 0;
    if (seen >= q * n) return s.values[i] ?? NaN;
  }
  return s.values[s.values.length - 1] ?? NaN;
}

/**
 * Latency and other distributions: Mann–Whitney U for "is the candidate shifted", with the Hodges–Lehmann shift as the
 * effect, relative to the baseline median. Inputs are sorted weighted samples (histograms or raw points with weight 1).
 */
export function analyzeDistribution(baseline: WeightedSample, candidate: WeightedSample, s: SignalSettings): SignalAnalysis {
  const nb = total(baseline), nc = total(candidate);
  const details: Record<string, number> = { baselineN: nb, candidateN: nc };
  if (nb < s.minSamples || nc < s.minSamples) {
    const side = nc < s.minSamples ? `after the release: ${nc}` : `before the release: ${nb}`;
    return { kind: "nodata", why: `too few measurements ${side}, at least ${s.minSamples} needed`, details };
  }
  const r = mannWhitney(baseline, candidate, { alternative: alternativeFor(s.direction), confidence: s.confidence });
  // Kayenta #780: the same median with a wider spread passes a rank test; the share of requests beyond the baseline's
  // p95 does not. The two findings share the signal's alpha (Bonferroni); "decrease" signals keep the shift test alone.
  const wholeCounts = [baseline, candidate].every((x) => x.weights.every(Number.isInteger));
  const tail = s.direction === "decrease" || !wholeCounts ? undefined
    : tailTest(baseline, candidate, { quantile: 0.95, alternative: s.direction === "either" ? "two-sided" : "greater", confidence: s.confidence });
  const bMedian = weightedQuantile(baseline, 0.5), cMedian = weightedQuantile(candidate, 0.5);
  const scale = Math.abs(bMedian) > 0 ? Math.abs(bMedian) : 1;
  details.baselineP50 = bMedian;
  details.candidateP50 = cMedian;
  details.baselineP95 = weightedQuantile(baseline, 0.95);
  details.candidateP95 = weightedQuantile(candidate, 0.95);
  details.shift = r.shift;
  details.shiftLow = r.shiftLow;
  details.shiftHigh = r.shiftHigh;
  details.u = r.u;
  const mainP = tail ? Math.min(1, 2 * r.pValue) : r.pValue;
  const tailP = tail ? Math.min(1, 2 * tail.pValue) : 1;
  const p95Change = details.candidateP95! - details.baselineP95!;
  if (tail) details.tailPValue = tail.pValue;
  return {
    kind: "ok",
    stats: {
      method: `Mann–Whitney U (${r.method}) with Hodges–Lehmann shift${tail ? ", and the share beyond the baseline's p95 (exact test), Bonferroni" : ""}`,
      mainPValue: mainP,
      ...(tail ? { tail: { pValue: tailP, relativeChange: p95Change / Math.max(Math.abs(details.baselineP95!), 1e-12), absoluteChange: p95Change } } : {}),
      baselineValue: bMedian,
      candidateValue: cMedian,
      baselineN: nb,
      candidateN: nc,
      absoluteChange: r.shift,
      relativeChange: r.shift / scale,
      ciLow: r.shiftLow / scale,
      ciHigh: r.shiftHigh / scale,
      pValue: Math.min(mainP, tailP),
      details,
    },
  };
}

export function rawSample(values: readonly number[]): WeightedSample {
  const sorted = [...values].sort((a, b) => a - b);
  return { values: sorted, weights: sorted.map(() => 1) };
}
