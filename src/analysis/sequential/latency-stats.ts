/**
 * The numbers a latency verdict shows, at the look the rate engine decided on: the typical change as the log-scale
 * Hodges–Lehmann ratio (stats.relativeChange and its interval), the p95 ratio with its interval, and the shares of
 * requests beyond the threshold before and after. The rate engine's p-value, status and look bookkeeping are kept.
 */
import { histogramLogShift } from "../log-shift.ts";
import { quantileInterval, quantileRatio } from "../quantile-ratio.ts";
import type { DenseHistogram } from "../../telemetry/latency-histogram.ts";
import { candidateWindow, exceedances, exceedanceThreshold, LATENCY_INTERVAL_LEVEL, type LatencyEvidence } from "./latency-evidence.ts";
import type { MinuteCounts, SequentialResult } from "./sequential-types.ts";

function total(h: DenseHistogram): number {
  let n = 0;
  for (const c of h) n += c;
  return n;
}

function share(minutes: readonly MinuteCounts[]): number {
  let events = 0, exposure = 0;
  for (const m of minutes) {
    events += m.events;
    exposure += m.exposure;
  }
  return exposure > 0 ? events / exposure : NaN;
}

/** Half the width of a latency bucket as a ratio (src/telemetry/latency-histogram.ts: buckets grow by 5 %). */
const BUCKET_HALF_WIDTH = Math.sqrt(1.05);

/** Puts the latency numbers at the decisive look on a rate engine result: typical change, p95 ratio, exceedances. */
export function describeLatency(result: SequentialResult, evidence: LatencyEvidence): SequentialResult {
  const window = candidateWindow(evidence, result.minutesUsed);
  const baseN = total(evidence.baseline), candN = total(window);
  if (baseN === 0 || candN === 0) {
    // No latency after the deploy: the typical value before is still known, the rest is not.
    const before = baseN > 0 ? quantileInterval(evidence.baseline, 0.5, LATENCY_INTERVAL_LEVEL)?.value ?? NaN : NaN;
    return { ...result, stats: { ...result.stats, baselineValue: before, candidateValue: NaN, baselineN: baseN, candidateN: 0, relativeChange: NaN, absoluteChange: NaN, ciLow: NaN, ciHigh: NaN } };
  }
  const shift = histogramLogShift(evidence.baseline, window, LATENCY_INTERVAL_LEVEL);
  const p95 = quantileRatio(evidence.baseline, window, 0.95, LATENCY_INTERVAL_LEVEL)!;
  const baseMedian = quantileInterval(evidence.baseline, 0.5, LATENCY_INTERVAL_LEVEL)!.value;
  const candMedian = quantileInterval(window, 0.5, LATENCY_INTERVAL_LEVEL)!.value;
  // The pre-deploy histogram's own share: the one the threshold was set on (at most 5 %).
  const exceedBaseline = share([exceedances(evidence.baseline, exceedanceThreshold(evidence.baseline))]);
  const exceedCandidate = share(evidence.exceed.candidate.slice(0, result.minutesUsed));
  return {
    ...result,
    intervalLevel: LATENCY_INTERVAL_LEVEL,
    stats: {
      ...result.stats,
      method: `requests beyond the pre-deploy p95 (${result.stats.method}); size: ${p95.method}; typical change: ${shift.method}`,
      baselineValue: baseMedian,
      candidateValue: candMedian,
      baselineN: baseN,
      candidateN: candN,
      absoluteChange: baseMedian * (shift.ratio - 1),
      relativeChange: shift.ratio - 1,
      // Latencies are stored in ±2.5 % buckets: the interval cannot be narrower than one bucket's width.
      ciLow: Math.min(shift.ratioLow, shift.ratio) / BUCKET_HALF_WIDTH - 1,
      ciHigh: Math.max(shift.ratioHigh, shift.ratio) * BUCKET_HALF_WIDTH - 1,
      details: {
        ...result.stats.details,
        baselineP95: p95.baseline.value,
        candidateP95: p95.candidate.value,
        p95Ratio: p95.ratio,
        p95Low: p95.low,
        p95High: p95.high,
        exceedBaseline,
        exceedCandidate,
        thresholdMs: evidence.thresholdMs,
        shiftRatio: shift.ratio,
        shiftLow: shift.ratioLow,
        shiftHigh: shift.ratioHigh,
      },
    },
  };
}

