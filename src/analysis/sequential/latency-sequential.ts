/**
 * Latency in the sequential engine. Whether the release made requests slower is tested on the COUNT of requests beyond
 * the pre-deploy p95, per minute, with the rate engine's wander term: per-request tests treat thousands of requests as
 * independent while the median drifts with load, and flag unchanged releases (p < 0.01 on 42 % of them at 1000 rpm).
 * How much slower is judged on the p95 ratio (the fail and warn floors), and the typical change is reported as the
 * log-scale Hodges–Lehmann ratio with its interval at its real level.
 * settings.detect for latency is a ratio of exceedance shares: detect.relative 0.5 means a pass must rule out 1.5× the
 * pre-deploy share of requests beyond the p95 (about what a +25 % tail-only or +12 % all-slower p95 change gives;
 * verdict-statistics-review §2e). detect.absolute is in the same unit, a share of requests (0 to leave it out), since
 * the rate engine checks it against the exceedance rate; the fail and warn floors are the p95's (ratio − 1, and ms).
 */
import { latencySize, type LatencyEvidence } from "./latency-evidence.ts";
import { describeLatency } from "./latency-stats.ts";
import { judgeRateSequential, type RateBaselineModel } from "./rate-sequential.ts";
import type { RateNouns } from "./rate-sentences.ts";
import type { SequentialResult, SequentialSettings } from "./sequential-types.ts";

export { latencySize, type LatencyEvidence } from "./latency-evidence.ts";

export const LATENCY_NOUNS: RateNouns = { events: "slow requests", rate: "share of requests beyond the pre-deploy p95" };

// The rate engine judges the exceedance counts; the p95 ratio stands in for the size that the fail and warn floors check.
export function judgeLatencySequential(model: RateBaselineModel, evidence: LatencyEvidence, settings: SequentialSettings): SequentialResult {
  const withNouns = { ...model, nouns: model.nouns ?? LATENCY_NOUNS };
  const result = judgeRateSequential(withNouns, evidence.exceed, settings, (minutes) => latencySize(evidence, minutes, settings));
  return describeLatency(result, evidence);
}
