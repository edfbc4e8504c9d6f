/**
 * Seeded latency traffic for the latency engine tests, after the review's generator (verdict-sim/traffic.py): a two-part
 * log-normal mixture (fast σ 0.45, 3 % on a slow path ×4 with σ 0.6); the median follows load (±10 % over the day,
 * +5–20 % in short traffic bursts) and drifts (log random walk, sd 0.004 a minute). The pre-deploy hour and the
 * candidate minutes are drawn request by request into the real 512-bucket histograms; older history only as exceedance
 * counts, drawn from the mixture's exact share beyond the threshold (the same process, far cheaper).
 */
import { normalCdf } from "../../../src/analysis/normal-distribution.ts";
import { exceedanceThreshold, exceedances, thresholdMs } from "../../../src/analysis/sequential/latency-evidence.ts";
import type { LatencyEvidence } from "../../../src/analysis/sequential/latency-sequential.ts";
import type { MinuteCounts } from "../../../src/analysis/sequential/sequential-types.ts";
import { bucketOf, BUCKETS, emptyDense, type DenseHistogram } from "../../../src/telemetry/latency-histogram.ts";
import { seededSampler } from "../../support/seeded-sampler.ts";

const FAST_SIGMA = 0.45, SLOW_SHARE = 0.03, SLOW_RATIO = 4, SLOW_SIGMA = 0.6, DRIFT_SD = 0.004, LOAD_EFFECT = 0.1;
const MINUTE = 60_000;
const DEPLOY_AT = Date.UTC(2025, 0, 8, 14, 0);

export interface LatencyEffect {
  kind: "scale" | "tail";
  rise: number;
}

export interface LatencyRelease {
  evidence: LatencyEvidence;
}

function mixtureCdf(x: number, median: number, slowShare: number): number {
  const l = Math.log(x / median);
  return (1 - slowShare) * normalCdf(l / FAST_SIGMA) + slowShare * normalCdf((l - Math.log(SLOW_RATIO)) / SLOW_SIGMA);
}

function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const p95Of = (slowShare: number): number => Math.exp(bisect((l) => mixtureCdf(Math.exp(l), 1, slowShare) - 0.95, -5, 8));

/** The slow-path share that raises the p95 by `rise` with the median unchanged (the "tail only" release). */
export function slowShareForP95Rise(rise: number): number {
  const target = (1 + rise) * p95Of(SLOW_SHARE);
  return bisect((f) => p95Of(f) - target, SLOW_SHARE, 0.5);
}

/** One release: `historyMinutes` before the deploy (the last 60 of them request by request), `candidateMinutes` after. */
export function simulateLatencyRelease(seed: number, rpm: number, effect: LatencyEffect | undefined, historyMinutes = 3 * 1440, candidateMinutes = 120): LatencyRelease {
  const rng = seededSampler(seed);
  const total = historyMinutes + candidateMinutes;
  const phase = rng.uniform() * 1440;
  const median0 = 60 * 2 ** rng.uniform();
  const medians = new Float64Array(total), requests = new Float64Array(total);
  let drift = 0, burstLeft = 0, burstFactor = 1;
  for (let t = 0; t < total; t++) {
    if (burstLeft > 0) burstLeft--;
    else if (rng.uniform() < 1 / 180) {
      burstLeft = 1 + Math.floor(rng.uniform() * 5);
      burstFactor = 1.5 + 1.5 * rng.uniform();
    } else burstFactor = 1;
    const cycle = Math.sin((2 * Math.PI * (phase + t)) / 1440);
    const load = (1 + 0.3 * cycle) * burstFactor;
    drift += DRIFT_SD * rng.normal();
    medians[t] = median0 * (1 + LOAD_EFFECT * cycle) * (1 + LOAD_EFFECT * (burstFactor - 1)) * Math.exp(drift);
    const mean = rpm * load;
    requests[t] = Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  }
  const tailShare = effect?.kind === "tail" ? slowShareForP95Rise(effect.rise) : SLOW_SHARE;
  const drawMinute = (t: number): DenseHistogram => {
    const after = t >= historyMinutes;
    const median = medians[t]! * (after && effect?.kind === "scale" ? 1 + effect.rise : 1);
    const slow = after ? tailShare : SLOW_SHARE;
    const h = emptyDense();
    for (let i = 0; i < requests[t]!; i++) {
      const l = rng.uniform() < slow ? Math.log(SLOW_RATIO) + SLOW_SIGMA * rng.normal() : FAST_SIGMA * rng.normal();
      h[bucketOf(median * Math.exp(l))]! += 1;
    }
    return h;
  };
  const lastHour = Array.from({ length: 60 }, (_, i) => drawMinute(historyMinutes - 60 + i));
  const baseline = emptyDense();
  for (const h of lastHour) for (let b = 0; b < BUCKETS; b++) baseline[b]! += h[b]!;
  const k = exceedanceThreshold(baseline), threshold = thresholdMs(k, BUCKETS);
  const history: MinuteCounts[] = [];
  for (let t = 0; t < historyMinutes - 60; t++) {
    const n = requests[t]!, share = 1 - mixtureCdf(threshold, medians[t]!, SLOW_SHARE);
    history.push({ events: Math.min(n, rng.poisson(n * share)), exposure: n });
  }
  for (const h of lastHour) history.push(exceedances(h, k));
  const candidateMinutesH = Array.from({ length: candidateMinutes }, (_, i) => drawMinute(historyMinutes + i));
  return {
    evidence: {
      exceed: {
        history,
        historyStart: DEPLOY_AT - historyMinutes * MINUTE,
        candidate: candidateMinutesH.map((h) => exceedances(h, k)),
        candidateStart: DEPLOY_AT,
      },
      thresholdMs: threshold,
      baseline,
      candidateMinutes: candidateMinutesH,
    },
  };
}
