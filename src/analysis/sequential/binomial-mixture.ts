/**
 * The one-sample anytime-valid test of an error rate against a fixed rate p0 (an SLO's burn threshold). For each
 * alternative p on one side of p0 the likelihood ratio ∏ (p/p0)^x ((1−p)/(1−p0))^(1−x) over the requests is a
 * non-negative martingale at p0 and a supermartingale on the whole null side; mixed over a prior on p it still is,
 * so by Ville's inequality it reaches 1/α with probability at most α at ANY look (Robbins 1970; Howard et al. 2021).
 */
import { AnalysisInputError } from "../analysis-error.ts";
import { gridSteps, logPriorWeights, MIXTURE_PRIOR_SD as RATE_PRIOR_SD } from "./mixture-prior.ts";
export { RATE_PRIOR_SD };

/** Which alternatives the mixture weighs: error rates above p0 (a burn is shown) or below it (a burn is ruled out). */
export type RateSide = "above" | "below";

/**
 * log of the mixture likelihood ratio after `events` errors in `exposure` requests, against p0, for one side. The
 * grid is on the log odds so every alternative stays inside (0, 1) whatever p0 is. Monotone in `events`: increasing
 * for "above", decreasing for "below".
 */
export function logRateMixture(events: number, exposure: number, p0: number, side: RateSide): number {
  if (!(p0 > 0 && p0 < 1)) throw new AnalysisInputError("INVALID_INPUT", `p0 must be inside (0, 1), got ${p0}`);
  if (!(events >= 0 && exposure >= events && Number.isFinite(exposure)))
    throw new AnalysisInputError("INVALID_INPUT", `events ${events} out of exposure ${exposure}`);
  const sign = side === "above" ? 1 : -1;
  const logit0 = Math.log(p0 / (1 - p0));
  const terms = gridSteps.map((s, j) => {
    const logit = logit0 + sign * s;
    // log p = −log(1 + e^−logit), log(1 − p) = −log(1 + e^logit): stable at both ends.
    const logP = -Math.log1p(Math.exp(-logit)), logQ = -Math.log1p(Math.exp(logit));
    const ratio = events * (logP - Math.log(p0)) + (exposure - events) * (logQ - Math.log1p(-p0));
    return ratio + logPriorWeights[j]!;
  });
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((a, x) => a + Math.exp(x - top), 0));
}
