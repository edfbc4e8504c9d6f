/** One simulated release through the three judges, kept in a tally with what it really changed and what no design could beat. */
import { ERROR_PLAN, LATENCY_PLAN, maxMinutesFor } from "../../src/analysis/sequential/look-plan.ts";
import { CEILING_AT, count, EXPECTED_BANDS, note, type Tally } from "./cell-tally.ts";
import { beforeAfterCeilingPower } from "./before-after-ceiling.ts";
import { ceilingPower, concurrentCeilingPower } from "./counterfactual-ceiling.ts";
import type { JudgePanel } from "./judge-panel.ts";
import type { RandomSource } from "./random-source.ts";
import type { SimulatedRelease } from "./release-scenario.ts";
import { isUnchanged, type Effect } from "./scenario-cells.ts";
import { tailShare } from "./traffic-generator.ts";
import { EVEN_HOSTS, mixtureCdf, mixtureQuantile, MODEL } from "./traffic-model.ts";
import { p95Of, sumWindow } from "./window-data.ts";

/** The release budget: a ceiling is what a test spending all of it on this one signal could reach. */
const CEILING_ALPHA = 0.01;
const BASE_EXCEEDANCE = 0.05;

/** The share of requests beyond the pre-deploy p95 once the latency effect is in (analytic, hosts evenly loaded). */
export function exceedanceAfter(effect: Effect): number {
  const q = mixtureQuantile(0.95, 1, MODEL.slowShare, EVEN_HOSTS);
  if (effect.latency.kind === "scale") return 1 - mixtureCdf(q / (1 + effect.latency.rise), 1, MODEL.slowShare, EVEN_HOSTS);
  if (effect.latency.kind === "tail") return 1 - mixtureCdf(q, 1, tailShare(effect.latency.rise), EVEN_HOSTS);
  return BASE_EXCEEDANCE;
}

const sum = (xs: Float64Array, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i]!;
  return s;
};

interface Ceilings {
  expectedErrors: number;
  power: number[];
  /** A canary's error effect: the concurrent ceiling at each fixed limit of CEILING_AT (NaN at "max" and elsewhere). */
  concurrent: number[];
  /** A before/after release's error effect: the before/after ceiling at each fixed limit (NaN at "max" and elsewhere). */
  beforeAfter: number[];
}

/** Counterfactual counts of the effect's signal at the maximum window and at fixed limits, and the ceilings at each. */
function ceilings(r: SimulatedRelease, effect: Effect): Ceilings {
  const d = r.deployAt, errorsPerMinute = sum(r.expectedErrors, 0, d) / d;
  const errorMax = maxMinutesFor(ERROR_PLAN, errorsPerMinute);
  const expectedErrors = sum(r.expectedErrors, d, d + errorMax);
  const none = CEILING_AT.map(() => NaN);
  if (isUnchanged(effect)) return { expectedErrors, power: none, concurrent: none, beforeAfter: none };
  const latency = effect.latency.kind !== "none";
  const series = latency ? r.expectedRequests.map((n) => n * BASE_EXCEEDANCE) : r.expectedErrors;
  const factor = latency ? exceedanceAfter(effect) / BASE_EXCEEDANCE : effect.errorFactor;
  const max = latency ? maxMinutesFor(LATENCY_PLAN, sum(series, 0, d) / d) : errorMax;
  const power = CEILING_AT.map((at) => ceilingPower(sum(series, d, d + (at === "max" ? max : at)), factor, CEILING_ALPHA));
  const concurrent = r.treatedShare < 1 && !latency
    ? CEILING_AT.map((at) => (at === "max" ? NaN : concurrentCeilingPower(sum(series, d, d + at), sum(r.expectedControlErrors, d, d + at), factor, CEILING_ALPHA)))
    : none;
  // The 4-hour window's GLS solve would cost more than the release: the fixed limits the ×5 targets name only.
  const beforeAfter = r.treatedShare === 1 && !latency
    ? CEILING_AT.map((at) => (at === "max" ? NaN : beforeAfterCeilingPower(r.wanderPath, d, at, factor, CEILING_ALPHA)))
    : none;
  return { expectedErrors, power, concurrent, beforeAfter };
}

function observe(r: SimulatedRelease, tally: Tally): void {
  const { minutes, deployAt } = r;
  const g = r.treatedShare < 1 ? 1 : "all";
  const before = sumWindow(minutes, 0, deployAt, g), after = sumWindow(minutes, deployAt, deployAt + 30, g);
  if (before.errors > 0 && after.requests > 0) tally.errorRatio.push((after.errors / after.requests) / (before.errors / before.requests));
  const p95Before = p95Of(before.hist), p95After = p95Of(after.hist);
  if (p95Before !== undefined && p95After !== undefined) tally.p95Ratio.push(p95After / p95Before);
}

export function judgeRelease(release: SimulatedRelease, effect: Effect, panel: JudgePanel, tally: Tally, jitter: RandomSource): void {
  tally.n++;
  observe(release, tally);
  const fixed = panel.static.plan.fixedMinutes;
  count(tally.judges.static, panel.static.run(release), fixed);
  count(tally.judges.kayenta, panel.kayenta.run(release, jitter), fixed);
  const { expectedErrors, power, concurrent, beforeAfter } = ceilings(release, effect);
  power.forEach((p, i) => (tally.ceilingSum[i]! += p));
  concurrent.forEach((p, i) => (tally.concurrentCeilingSum[i]! += p));
  beforeAfter.forEach((p, i) => (tally.beforeAfterCeilingSum[i]! += p));
  if (!panel.engine) return;

  const result = panel.engine.run(release);
  tally.engineCalls += result.calls;
  tally.engineMs += result.ms;
  const { status } = result.outcome;
  count(tally.judges.engine, result.outcome, result.maxMinutes);
  const band = tally.bands[EXPECTED_BANDS.findIndex((b) => expectedErrors < b.below)]!;
  band.n++;
  band[status === "warn" ? "pass" : status]++;
  band.ceiling += power[0]!;
  const errorSignal = result.signals.find((s) => s.name === panel.rule.signals.find((x) => x.kind === "error_rate")?.name);
  if (errorSignal) note(tally.designs, errorSignal.result.design);
  const deciding = result.signals.filter((s) => (status === "fail" ? s.result.status === "fail" : status === "hold" ? s.result.status === "hold" || s.result.status === "nodata" : false));
  note(tally.engineNotes, deciding.length === 0 ? status : `${status} on ${deciding.map((s) => s.name).join(" + ")}`);
}
