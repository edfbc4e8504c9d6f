import { ar1StepTest } from "./ar1-step-test.ts";
import { alternativeFor } from "./decide.ts";
import type { SignalAnalysis, SignalSettings } from "./signal-result.ts";

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * A `metric` gauge, one value per minute in time order: the step in its mean from baseline to candidate, tested with
 * the minutes' autocorrelation (ar1-step-test.ts) rather than as independent points. Relative to the baseline mean.
 * `gapPoints`: minutes between the baseline's last point and the candidate's first (the deploy itself).
 */
export function analyzeSeries(baseline: readonly number[], candidate: readonly number[], s: SignalSettings, gapPoints = 0): SignalAnalysis {
  const b = baseline.filter(Number.isFinite), c = candidate.filter(Number.isFinite);
  const details: Record<string, number> = { baselineN: b.length, candidateN: c.length };
  if (b.length < s.minSamples || c.length < s.minSamples || b.length < 3 || c.length < 3) {
    const side = c.length < Math.max(3, s.minSamples) ? `after the release: ${c.length}` : `before the release: ${b.length}`;
    return { kind: "nodata", why: `too few points ${side}, at least ${Math.max(3, s.minSamples)} needed`, details };
  }
  const r = ar1StepTest(b, c, { alternative: alternativeFor(s.direction), confidence: s.confidence, gapPoints });
  const bMean = mean(b), cMean = mean(c);
  const scale = Math.abs(bMean) > 0 ? Math.abs(bMean) : 1;
  Object.assign(details, { baselineMean: bMean, candidateMean: cMean, shift: r.shift, shiftSe: r.se, autocorrelation: r.rho });
  return {
    kind: "ok",
    stats: {
      method: `step in the mean under AR(1) minutes (Prais–Winsten GLS, lag-1 autocorrelation ${r.rho.toFixed(2)}), parametric bootstrap p-value`,
      baselineValue: bMean,
      candidateValue: cMean,
      baselineN: b.length,
      candidateN: c.length,
      absoluteChange: r.shift,
      relativeChange: r.shift / scale,
      ciLow: r.low / scale,
      ciHigh: r.high / scale,
      pValue: r.pValue,
      details,
    },
  };
}
