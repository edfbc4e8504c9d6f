/** What a calibration run simulates, shared by its main thread and its workers. */
import type { LatencyEffect } from "../accuracy/release-scenario.ts";
import type { Rule } from "../../src/rules/rule-schema.ts";
import type { SequentialSettings } from "../../src/analysis/sequential/sequential-types.ts";
import { sequentialSettings, signalAlpha } from "../../src/verdicts/sequential-settings.ts";
import { EVEN_HOSTS, MODEL, mixtureCdf, mixtureQuantile } from "../accuracy/traffic-model.ts";
import { tailShare } from "../accuracy/traffic-generator.ts";
import type { CalibratedSignal } from "./calibration-case.ts";

/** Unchanged releases (false fails), releases at the signal's detect floor (misses), errors ×5 (fails by 10 minutes). */
export type CaseSet = "unchanged" | "floor" | "strong";

/** The errors ×5 release whose fail by the first look the early fail z must not slow down (issue 11's target). */
export const STRONG_ERROR_FACTOR = 5;

export interface GenerateJob {
  signal: CalibratedSignal;
  seed: number;
  rpms: readonly number[];
  perRpm: Record<CaseSet, number>;
  floor: { errorFactor: number; latency: LatencyEffect };
  worker: number;
  workers: number;
}

/** The shipped rule's settings for the signal, as the evaluator builds them (alpha split over the critical signals). */
export function settingsFor(rule: Rule, signal: CalibratedSignal): SequentialSettings {
  const s = rule.signals.find((x) => x.kind === (signal === "errors" ? "error_rate" : "latency"));
  if (!s) throw new Error(`the shipped rule has no ${signal} signal`);
  return sequentialSettings(rule, s, signalAlpha(rule, rule.signals));
}

/** Share of requests beyond the pre-deploy p95 after a tail-only release of p95 rise `rise` (evenly loaded hosts). */
export function exceedanceRatioOfTail(rise: number): number {
  const p95 = mixtureQuantile(0.95, 1, MODEL.slowShare, EVEN_HOSTS);
  return (1 - mixtureCdf(p95, 1, tailShare(rise), EVEN_HOSTS)) / 0.05;
}

/**
 * The release at the detect floor: errors × (1 + detect); for latency the tail-only release whose share beyond the
 * pre-deploy p95 rises by the detect ratio (found by bisection on its p95 rise).
 */
export function floorEffect(signal: CalibratedSignal, settings: SequentialSettings): GenerateJob["floor"] {
  if (signal === "errors") return { errorFactor: 1 + settings.detect.relative, latency: { kind: "none" } };
  const target = 1 + settings.detect.relative;
  let lo = 0, hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (exceedanceRatioOfTail(mid) < target) lo = mid;
    else hi = mid;
  }
  return { errorFactor: 1, latency: { kind: "tail", rise: Math.round(((lo + hi) / 2) * 1e4) / 1e4 } };
}
