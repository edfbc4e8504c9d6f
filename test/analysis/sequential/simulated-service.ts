/** Seeded minute series for the sequential-engine tests: a steady exposure, Poisson events around a given rate. */
import type { MinuteCounts, SequentialSettings } from "../../../src/analysis/sequential/sequential-types.ts";
import { ERROR_PLAN, LATENCY_PLAN } from "../../../src/analysis/sequential/look-plan.ts";
import { seededSampler } from "../../support/seeded-sampler.ts";

export const MINUTE = 60_000;

export const ERROR_SETTINGS: SequentialSettings = {
  direction: "increase",
  fail: { relative: 0.5, absolute: 0.001 },
  detect: { relative: 1, absolute: 0.002 },
  minSamples: 100,
  alpha: 0.005,
  beta: 0.05,
  plan: ERROR_PLAN,
};

// detect 0.5: a pass rules out 1.5× the pre-deploy share beyond the p95 (review §2e); floors on the p95 ratio.
export const LATENCY_SETTINGS: SequentialSettings = {
  direction: "increase",
  fail: { relative: 0.2, absolute: 0 },
  warn: { relative: 0.1, absolute: 0 },
  detect: { relative: 0.5, absolute: 0 },
  minSamples: 50,
  alpha: 0.005,
  beta: 0.05,
  plan: LATENCY_PLAN,
};

/** `minutes` minutes with `exposure` requests each and Poisson(exposure × rate(i)) events. */
export function simulateMinutes(seed: number, minutes: number, exposure: number, rate: (minute: number) => number): MinuteCounts[] {
  const sampler = seededSampler(seed);
  return Array.from({ length: minutes }, (_, i) => ({ events: sampler.poisson(exposure * rate(i)), exposure }));
}

/** A stationary AR(1) log-rate multiplier exp(x) with lag-one correlation `rho` and marginal sd `sd`, mean-corrected. */
export function ar1Multiplier(seed: number, minutes: number, rho: number, sd: number): Float64Array {
  const sampler = seededSampler(seed);
  const out = new Float64Array(minutes);
  const innovation = sd * Math.sqrt(1 - rho * rho);
  let x = sd * sampler.normal();
  for (let i = 0; i < minutes; i++) {
    out[i] = Math.exp(x - (sd * sd) / 2);
    x = rho * x + innovation * sampler.normal();
  }
  return out;
}
