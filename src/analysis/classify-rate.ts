import { compareRates } from "./rate-test.ts";
import type { SignalAnalysis, SignalSettings } from "./signal-result.ts";
import { alternativeFor } from "./decide.ts";

export interface RateCounts {
  events: number;
  exposure: number;
}

/** Error rate: exact conditional (binomial) test of two Poisson rates, with the Clopper–Pearson CI on the ratio. */
export function analyzeRate(baseline: RateCounts, candidate: RateCounts, s: SignalSettings): SignalAnalysis {
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
  const ratio = Number.isNaN(r.ratio) ? 1 : r.ratio;
  return {
    kind: "ok",
    stats: {
      method: r.method,
      baselineValue: r.baselineRate,
      candidateValue: r.candidateRate,
      baselineN: baseline.exposure,
      candidateN: candidate.exposure,
      absoluteChange: r.candidateRate - r.baselineRate,
      relativeChange: ratio - 1,
      ciLow: r.ratioLow - 1,
      ciHigh: r.ratioHigh - 1,
      pValue: r.pValue,
      details,
    },
  };
}
