/**
 * Error rates (events per unit of exposure, e.g. errors per request) compared as two Poisson rates by conditioning on
 * the total count: candidate events ~ Binomial(total, candidate share of exposure). Numbers match R's
 * poisson.test(c(candidate, baseline), c(candidateExposure, baselineExposure)): the two-sided p-value sums every outcome
 * no more likely than the observed one ("minlike", as binom.test and scipy's binomtest; not doubling the smaller tail),
 * and the interval is Clopper–Pearson on the share, mapped to the rate ratio. One-sided alternatives give one-sided
 * intervals, as in R. Edge cases, decided here because R stops on them:
 * - zero exposure on either side throws AnalysisInputError("NO_EXPOSURE") (nothing was measured: a "no data" signal);
 * - no events on either side: p = 1, ratio 1, interval [0, ∞) — no evidence either way, reported as "no change";
 * - no baseline events but some candidate events: ratio ∞ with a finite lower bound, and a p-value that shrinks
 *   with the candidate's count, so a brand-new error never reads as "no change".
 */
import { AnalysisInputError } from "./analysis-error.ts";
import { binomialTest } from "./binomial-test.ts";

export type Alternative = "greater" | "less" | "two-sided";

export interface RateComparison {
  baselineRate: number;
  candidateRate: number;
  /** candidateRate / baselineRate: Infinity when only the candidate has events, 1 (by definition) when neither has. */
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
  pValue: number;
  method: string;
}

interface RateInput {
  baselineEvents: number;
  baselineExposure: number;
  candidateEvents: number;
  candidateExposure: number;
  alternative: Alternative;
  confidence: number;
}

const RATE_TEST_METHOD = "exact conditional test of two Poisson rates (binomial, Clopper–Pearson)";
const NO_EVENTS_METHOD = "no events on either side";

function eventCount(value: number, name: string): number {
  const rounded = Math.round(value);
  if (!Number.isFinite(value) || value < 0 || Math.abs(value - rounded) > 1e-7) {
    throw new AnalysisInputError("INVALID_INPUT", `${name} must be a non-negative whole number of events, got ${value}`);
  }
  return rounded;
}

function exposure(value: number, name: string): number {
  if (value === 0) throw new AnalysisInputError("NO_EXPOSURE", `${name} is 0: there is nothing to compare on that side`);
  if (!Number.isFinite(value) || value < 0) throw new AnalysisInputError("INVALID_INPUT", `${name} must be a positive number, got ${value}`);
  return value;
}

// Exact conditional test of the Poisson rate ratio (Przyborowski & Wilenski 1940; R's poisson.test, two-sample case).
export function compareRates(input: RateInput): RateComparison {
  const { alternative, confidence } = input;
  if (!(confidence > 0 && confidence < 1)) throw new AnalysisInputError("INVALID_INPUT", `confidence must be in (0, 1), got ${confidence}`);
  const baselineEvents = eventCount(input.baselineEvents, "baselineEvents");
  const candidateEvents = eventCount(input.candidateEvents, "candidateEvents");
  const baselineExposure = exposure(input.baselineExposure, "baselineExposure");
  const candidateExposure = exposure(input.candidateExposure, "candidateExposure");
  const baselineRate = baselineEvents / baselineExposure;
  const candidateRate = candidateEvents / candidateExposure;
  const total = baselineEvents + candidateEvents;
  if (total === 0) {
    return { baselineRate, candidateRate, ratio: 1, ratioLow: 0, ratioHigh: Infinity, pValue: 1, method: NO_EVENTS_METHOD };
  }
  const share = candidateExposure / (candidateExposure + baselineExposure);
  const test = binomialTest(candidateEvents, total, share, alternative, confidence);
  const toRatio = (q: number): number => (q / (1 - q)) * baselineExposure / candidateExposure;
  return {
    baselineRate,
    candidateRate,
    ratio: candidateRate / baselineRate,
    ratioLow: toRatio(test.low),
    ratioHigh: toRatio(test.high),
    pValue: test.pValue,
    method: RATE_TEST_METHOD,
  };
}
