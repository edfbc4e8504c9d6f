/**
 * The releases a calibration rests on, judged by the engine's own entry points (fitRateBaseline / judgeRateSequential,
 * fitLatencyBaseline / judgeLatencySequential) with `settings.boundaries` set to the candidate pair. Cases keep only
 * what judging needs: the fitted model and the candidate minutes (latency histograms trimmed to their used buckets).
 */
import type { BoundaryPair, BoundaryRow } from "../../src/analysis/sequential/boundaries.ts";
import { fitLatencyBaseline } from "../../src/analysis/sequential/latency-baseline.ts";
import { judgeLatencySequential, type LatencyEvidence } from "../../src/analysis/sequential/latency-sequential.ts";
import { fitRateBaseline, judgeRateSequential, resolvingMaxMinutes, type RateBaselineModel } from "../../src/analysis/sequential/rate-sequential.ts";
import type { RateEvidence, SequentialSettings, SequentialStatus } from "../../src/analysis/sequential/sequential-types.ts";
import { BUCKETS } from "../../src/telemetry/latency-histogram.ts";
import type { RandomSource } from "../accuracy/random-source.ts";
import type { LatencyEffect } from "../accuracy/release-scenario.ts";
import { historyOnly, latencyEvidence, rateEvidence } from "../accuracy/sequential-engine-judge.ts";
import type { TrafficGenerator } from "../accuracy/traffic-generator.ts";
import { criticalZ, Z_HIGH } from "./critical-z.ts";

export type CalibratedSignal = "errors" | "latency";

interface TrimmedMinutes {
  lo: number;
  width: number;
  counts: Uint16Array;
}

export interface CalibrationCase {
  rpm: number;
  model: RateBaselineModel;
  candidate: RateEvidence;
  latency?: { thresholdMs: number; baseline: Float64Array; minutes: TrimmedMinutes };
}

function trim(minutes: readonly Float64Array[]): TrimmedMinutes {
  let lo = BUCKETS, hi = -1;
  for (const h of minutes) h.forEach((c, b) => { if (c > 0) { lo = Math.min(lo, b); hi = Math.max(hi, b); } });
  const width = Math.max(0, hi - lo + 1), counts = new Uint16Array(width * minutes.length);
  minutes.forEach((h, m) => { for (let b = 0; b < width; b++) counts[m * width + b] = h[lo + b]!; });
  return { lo: Math.min(lo, BUCKETS), width, counts };
}

// The dense histograms are rebuilt into one reused set per thread: 120 × 512 doubles each time would churn the heap.
const dense: Float64Array[] = [];
function untrim(t: TrimmedMinutes): Float64Array[] {
  const n = t.width === 0 ? 0 : t.counts.length / t.width;
  while (dense.length < n) dense.push(new Float64Array(BUCKETS));
  for (let m = 0; m < n; m++) {
    const h = dense[m]!;
    h.fill(0);
    for (let b = 0; b < t.width; b++) h[t.lo + b] = t.counts[m * t.width + b]!;
  }
  return dense.slice(0, n);
}

/** One simulated before/after release at `rpm`, fitted as the engine fits it; undefined when its design is not in the table. */
export function makeCase(signal: CalibratedSignal, generator: TrafficGenerator, rng: RandomSource, rpm: number, errorFactor: number,
  latency: LatencyEffect, settings: SequentialSettings): CalibrationCase | undefined {
  const release = generator.generate({ rpm, errorFactor, latency, traffic: "normal" }, rng);
  if (signal === "errors") {
    const evidence = rateEvidence(release, "errors", settings.plan.maxMaxMinutes);
    const model = fitRateBaseline(historyOnly(evidence), settings);
    if (model.design !== "forecast" && model.design !== "before_deploy") return undefined;
    return { rpm, model, candidate: { ...evidence, history: [] } };
  }
  if (release.thresholdBucket < 0) return undefined;
  const evidence = latencyEvidence(release);
  const model = fitLatencyBaseline(historyOnly(evidence.exceed), settings);
  return {
    rpm, model, candidate: { ...evidence.exceed, history: [] },
    latency: { thresholdMs: evidence.thresholdMs, baseline: evidence.baseline, minutes: trim(evidence.candidateMinutes) },
  };
}

/** The maximum window fitRateBaseline would give this release under `table` (the window depends on the boundaries). */
export function maxMinutesUnder(c: CalibrationCase, settings: SequentialSettings, table: readonly BoundaryRow[]): number {
  if (c.latency) return c.model.maxMinutes;
  return resolvingMaxMinutes(settings.plan, c.model.expectedEventsPerMinute, c.model.calibration, c.model.forecast.varLog, settings.detect, table);
}

/** The engine's status for this release with constant boundaries `pair`. */
export function judgeCase(c: CalibrationCase, settings: SequentialSettings, pair: BoundaryPair): SequentialStatus {
  const withPair = { ...settings, boundaries: pair };
  if (!c.latency) return judgeRateSequential(c.model, c.candidate, withPair).status;
  const evidence: LatencyEvidence = { exceed: c.candidate, thresholdMs: c.latency.thresholdMs, baseline: c.latency.baseline, candidateMinutes: untrim(c.latency.minutes) };
  return judgeLatencySequential(c.model, evidence, withPair).status;
}

/**
 * The critical fail z of each stage of a two-stage boundary: the early one with no late fails, the late one with no
 * early fails (the other stage's z beyond the search range). The release fails at (zE, zL) iff early > zE or late > zL.
 */
export function stageCriticals(c: CalibrationCase, settings: SequentialSettings, pair: BoundaryPair): { early: number; late: number } {
  const fails = (p: BoundaryPair) => judgeCase(c, settings, p) === "fail";
  return { early: criticalZ((z) => fails({ ...pair, earlyFailZ: z, failZ: 2 * Z_HIGH })), late: criticalZ((z) => fails({ ...pair, earlyFailZ: 2 * Z_HIGH, failZ: z })) };
}

/** The early fail z below which this release fails at the first look (`firstLook` minutes of data). */
export function firstLookCritical(c: CalibrationCase, settings: SequentialSettings, pair: BoundaryPair, firstLook: number): number {
  const first = { ...c, candidate: { ...c.candidate, candidate: c.candidate.candidate.slice(0, firstLook) } };
  return criticalZ((z) => judgeCase(first, settings, { ...pair, earlyFailZ: z, failZ: z }) === "fail");
}
