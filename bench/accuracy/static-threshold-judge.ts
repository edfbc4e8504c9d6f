/**
 * Baseline judge (a): fixed thresholds as Argo Rollouts and Flagger users write them — success rate ≥ 99 % and p95 below
 * one number of milliseconds chosen once for the whole benchmark — measured every interval over the last interval, no
 * baseline comparison; more than `failureLimit` failed measurements fail the run.
 */
import { histogramQuantile } from "../../src/telemetry/latency-histogram.ts";
import { runFailureLimit, type Outcome } from "./interim-schedule.ts";
import type { SimulatedRelease, WindowPlan } from "./release-scenario.ts";
import { sumWindow } from "./window-data.ts";

export interface StaticThresholds {
  maxErrorRate: number;
  maxP95Ms: number;
  failureLimit: number;
}

export class StaticThresholdJudge {
  readonly label = "static threshold";

  constructor(readonly thresholds: StaticThresholds, readonly plan: WindowPlan) {}

  run(release: SimulatedRelease): Outcome {
    const { minutes, deployAt } = release;
    // A canary's measurement reads the updated hosts only, as an Argo canary step's query would.
    const canary = release.treatedShare < 1;
    const { maxErrorRate, maxP95Ms, failureLimit } = this.thresholds;
    return runFailureLimit(this.plan, failureLimit, (from, to) => {
      const w = sumWindow(minutes, deployAt + from, deployAt + to, canary ? 1 : "all");
      // No traffic makes the query NaN, and `NaN >= 0.99` is false: the measurement fails, as it does in Argo.
      if (w.requests === 0) return false;
      const p95 = histogramQuantile(w.hist, 0.95) ?? Infinity;
      return w.errors / w.requests <= maxErrorRate && p95 <= maxP95Ms;
    });
  }
}
