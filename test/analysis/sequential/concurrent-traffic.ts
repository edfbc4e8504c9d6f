/**
 * Seeded releases for the concurrent tests: one service split into a candidate group and a control group, whose error
 * rate wanders as an AR(1) on the log scale (shared by both groups, or each group's own), with a day of history.
 */
import type { MinuteCounts } from "../../../src/analysis/sequential/sequential-types.ts";
import { seededSampler } from "../../support/seeded-sampler.ts";

export interface ReleaseShape {
  rpm: number;
  /** The candidate group's share of requests at each minute after the deploy (history: `historyShare`). */
  share: (minute: number) => number;
  historyShare?: number;
  historyMinutes?: number;
  minutes: number;
  /** Error-rate factor of the new version (1: unchanged). */
  effect: number;
  /** The candidate group's usual error rate relative to the control's (ρ). */
  groupRatio?: number;
  /** Stationary sd of the log error rate and its per-minute autocorrelation. */
  wanderSd?: number;
  wanderPhi?: number;
  /** Share of the wander variance common to both groups (1: fully shared, 0: each group wanders on its own). */
  sharedShare?: number;
}

export interface SimulatedRelease {
  baseRate: number;
  candidateHistory: MinuteCounts[];
  controlHistory: MinuteCounts[];
  candidate: MinuteCounts[];
  control: MinuteCounts[];
}

export function simulateRelease(seed: number, shape: ReleaseShape): SimulatedRelease {
  const rng = seededSampler(seed);
  const sd = shape.wanderSd ?? 0.2, phi = shape.wanderPhi ?? 0.95, s = shape.sharedShare ?? 1;
  const step = Math.sqrt(1 - phi * phi);
  const ar = () => {
    let x = sd * rng.normal();
    return () => (x = phi * x + sd * step * rng.normal());
  };
  const shared = ar(), ownCandidate = ar(), ownControl = ar();
  // Error rates log-uniform between 0.2 % and 2 %, as the benchmark's traffic model draws them.
  const baseRate = 0.002 * Math.exp(rng.uniform() * Math.log(10));
  const historyMinutes = shape.historyMinutes ?? 1440;
  const out: SimulatedRelease = { baseRate, candidateHistory: [], controlHistory: [], candidate: [], control: [] };
  for (let t = -historyMinutes; t < shape.minutes; t++) {
    const x = shared(), xc = ownCandidate(), xd = ownControl();
    const share = t < 0 ? (shape.historyShare ?? shape.share(0)) : shape.share(t);
    const total = Math.max(0, Math.round(shape.rpm * (1 + 0.05 * rng.normal())));
    const a = Math.round(total * share), b = total - a;
    const common = Math.sqrt(s) * x, own = Math.sqrt(1 - s);
    const rateC = baseRate * (shape.groupRatio ?? 1) * Math.exp(common + own * xc) * (t >= 0 ? shape.effect : 1);
    const rateD = baseRate * Math.exp(common + own * xd);
    const cand = { events: rng.poisson(a * rateC), exposure: a }, ctrl = { events: rng.poisson(b * rateD), exposure: b };
    if (t < 0) { out.candidateHistory.push(cand); out.controlHistory.push(ctrl); }
    else { out.candidate.push(cand); out.control.push(ctrl); }
  }
  return out;
}
