/** The printed preamble: how traffic is simulated, which rule is used, and how each judge decides. */
import type { Rule } from "../../src/rules/rule-schema.ts";
import { STATIC_THRESHOLDS } from "./judge-panel.ts";
import { KAYENTA } from "./kayenta-style-judge.ts";
import { EVEN_HOSTS, MODEL, slowShareForP95Rise, typicalP95 } from "./traffic-model.ts";
import { P95_RISES } from "./scenario-cells.ts";

const p = (x: number) => `${+(100 * x).toFixed(2)} %`;

export function describeModel(rule: Rule, seed: number): string {
  const signals = rule.signals.map((s) => `${s.name} (${s.kind}, fail ≥ +${p(s.fail.relative)} and ≥ +${s.kind === "error_rate" ? `${+(100 * s.fail.absolute).toFixed(2)} pp` : `${s.fail.absolute} ms`}, min ${s.min_samples}, ${s.critical ? "critical" : "not critical"}, no data → ${s.no_data})`);
  const tails = P95_RISES.map((r) => `+${p(r)} → ${p(slowShareForP95Rise(r, EVEN_HOSTS))}`).join(", ");
  return [
    `Seed ${seed}. Per-minute aggregates (requests, errors, a latency histogram in the service's ±2.5 % log buckets); latency drawn per request.`,
    `- Traffic: Poisson per minute around the rpm × a daily cycle (±${p(MODEL.diurnalAmplitude)}, random time of day) × log-normal noise (${p(MODEL.trafficNoise)}) × bursts (${(1 / MODEL.trafficBurst.perMinute).toFixed(0)} min apart on average, ${MODEL.trafficBurst.minutes.join("–")} min, ×${MODEL.trafficBurst.factor.join("–")}), split over 4 hosts (shares ±10 %).`,
    `- Errors: base rate per release log-uniform ${p(MODEL.errorRate.low)}–${p(MODEL.errorRate.high)}; log rate = slow AR(1) (ρ ${MODEL.errorSlow.rho}/min, sd ${MODEL.errorSlow.sd}) + fast AR(1) (ρ ${MODEL.errorFast.rho}, sd ${MODEL.errorFast.sd}); error bursts (${(1 / MODEL.errorBurst.perMinute).toFixed(0)} min apart on average, ${MODEL.errorBurst.minutes.join("–")} min, ×${MODEL.errorBurst.factor.join("–")}); host 4 has ×${MODEL.hostErrors[3]} the errors.`,
    `- Latency: fast path log-normal (median log-uniform ${MODEL.medianMs.low}–${MODEL.medianMs.high} ms per release, σ ${MODEL.fastSigma}) + slow path (${p(MODEL.slowShare)} of requests, ×${MODEL.slowRatio} median, σ ${MODEL.slowSigma}); host medians ×${MODEL.hostLatency.join("/")}; median × (1 + ${MODEL.latencyLoadElasticity}·(load − 1)) and a random walk of the log median (sd ${MODEL.latencyDriftPerMinute}/min, ≈ ${p(MODEL.latencyDriftPerMinute * Math.sqrt(90))} over 90 min). Typical baseline p95 ${typicalP95().toFixed(0)} ms.`,
    `- Release effects, from the deploy minute: error rate × factor; p95 "all slower" multiplies every latency; p95 "tail only" moves requests to the slow path (slow share ${tails}) so the median moves ≤ 5 %. "errors seen" / "p95 seen" are the medians of what each cell's releases really showed (after ÷ before).`,
    `Rule '${rule.name}' loaded from rules/: baseline ${rule.baseline.minutes} min before the deploy, analysis ${rule.analysis.minutes} min after, checks every ${rule.analysis.interval_minutes} min, early fail after ${rule.analysis.early_fail_after} failing checks in a row; confidence ${rule.confidence}; thresholds pass ${rule.thresholds.pass} / warn ${rule.thresholds.warn}; signals: ${signals.join("; ")}.`,
    `Judges (both comparators are written in this benchmark, not taken from their projects):`,
    `- deploy-guard: src/analysis/judge.ts on inputs built as src/verdicts/evaluator.ts builds them (settingsOf, summed per-minute histograms → histogramSample, error counts + baselineSeries), on the rule's interim schedule. "pass %" counts pass and warn (both let the pipeline go on); warn alone is its own column.`,
    `- static threshold (as Argo Rollouts / Flagger users write it): every ${rule.analysis.interval_minutes} min over the last ${rule.analysis.interval_minutes} min, success rate ≥ ${p(1 - STATIC_THRESHOLDS.maxErrorRate)} and p95 ≤ ${STATIC_THRESHOLDS.maxP95Ms} ms (1.5 × the typical baseline p95), one pair of numbers for every simulated service (${p(Math.log(STATIC_THRESHOLDS.maxErrorRate / MODEL.errorRate.low) / Math.log(MODEL.errorRate.high / MODEL.errorRate.low))} of them run below 1 % errors); failureLimit ${STATIC_THRESHOLDS.failureLimit}; no traffic makes the measurement fail (NaN).`,
    `- Kayenta-style: per-minute error rate and per-minute p95 (the points a Kayenta metric query returns), baseline minutes as control; Mann–Whitney with ${p(KAYENTA.confidence)} two-sided confidence, High when the interval's lower end > ${KAYENTA.tolerance} × |Hodges–Lehmann estimate| and mean ratio ≥ ${KAYENTA.allowedIncrease}; any High fails; all metrics without data score 0 (fail); same interim schedule as deploy-guard.`,
    `TTD = median minutes after the deploy at which failed releases were failed.`,
  ].join("\n");
}
