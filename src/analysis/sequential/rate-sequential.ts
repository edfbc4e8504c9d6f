/**
 * The entry point of a rate signal (errors; latency exceedances through latency-sequential.ts) in the sequential
 * engine: fit the baseline once per release, then judge the candidate minutes look by look. The design is the
 * concurrent comparison when its groups' wander is no larger than the forecast's, else the seasonal forecast, or the
 * hour before the deploy under a day of history, or an explicit reference window.
 */
import type { DesignKind, MinuteCounts, RateEvidence, SequentialResult, SequentialSettings, WanderCalibration } from "./sequential-types.ts";
import { historyFrequency, leastVarianceFit, tau2At, type WindowFit, windowFit } from "./aa-wander.ts";
import { shrinkToFleet } from "./fleet-wander.ts";
import { BOUNDARY_TABLE, boundariesFor, failZAt, TABLE_ALPHA, TABLE_BETA, type BoundaryPair, type BoundaryRow } from "./boundaries.ts";
import { type ConcurrentModel, fitConcurrent, judgeConcurrent } from "./concurrent-judge.ts";
import { BURST_CAP, type BurstCap, capFor, MIN_FORECAST_EVENTS, WindowCap } from "./burst-winsor.ts";
import { type Forecaster, type ForecastKind, type MinuteSeries, factorAt, forecastKindFor, forecastRate, indexSeries, LEVEL_MINUTES, MINUTE_MS } from "./forecast-baseline.ts";
import { type LookBaseline, type LookOutcome, type SizeAt, judgeLook, runLooks } from "./group-sequential.ts";
import { maxMinutesFor } from "./look-plan.ts";
import { ERROR_NOUNS, type RateNouns, RATE_INTERVAL_LEVEL, rateStats, rateWhy } from "./rate-sentences.ts";

export interface RateBaselineModel {
  design: DesignKind;
  designReason: string;
  lowAssurance: boolean;
  maxMinutes: number;
  /** Forecast rate at the first candidate minute, and the events per minute it predicts at the recent traffic. */
  expectedRate: number;
  expectedEventsPerMinute: number;
  forecast: Forecaster;
  calibration: WanderCalibration;
  concurrent?: ConcurrentModel;
  /** Words for sentences; the latency signal passes its own. */
  nouns?: RateNouns;
  /** Each candidate minute's events are cut at this cap (errors only: the A/A wander was measured on cut counts). */
  burstCap?: BurstCap | undefined;
  /** The calibrated boundaries of this kind of signal (errors by default; latency has its own). */
  boundaryTable?: readonly BoundaryRow[];
}

/**
 * The longest window worth waiting for in a before/after or forecast design: where the counts are about
 * `eventsAtMax` AND the wander has shrunk enough for the detect floor to be told from no change
 * ((z_fail + z_pass)·sd ≤ log(1 + detect)); the wander does not shrink with traffic, so busy services need it.
 */
export function resolvingMaxMinutes(plan: SequentialSettings["plan"], eventsPerMinute: number, calibration: WanderCalibration, varLog: number,
  detect: SequentialSettings["detect"], table: readonly BoundaryRow[] = BOUNDARY_TABLE): number {
  const byCounts = maxMinutesFor(plan, eventsPerMinute);
  const { failZ, passZ } = boundariesFor(plan.maxMaxMinutes, TABLE_ALPHA, TABLE_BETA, table);
  const target = Math.log(1 + detect.relative);
  for (let t = byCounts; t <= plan.maxMaxMinutes; t += plan.lookEveryMinutes) {
    const sd = Math.sqrt(1 / Math.max(eventsPerMinute * t, 0.5) + varLog + tau2At(calibration, t));
    if ((failZ + passZ) * sd <= target) return t;
  }
  return plan.maxMaxMinutes;
}

const RECENT_TRAFFIC_MINUTES = 60;
const CONCURRENT_MIN_MAX_MINUTES = 60;

export function recentExposurePerMinute(history: RateEvidence["history"]): number {
  const tail = history.slice(-RECENT_TRAFFIC_MINUTES);
  return tail.length > 0 ? tail.reduce((sum, m) => sum + m.exposure, 0) / tail.length : 0;
}

export function fitRateBaseline(
  evidence: Pick<RateEvidence, "history" | "historyStart" | "candidateStart" | "concurrent" | "reference">,
  settings: SequentialSettings,
): RateBaselineModel {
  const series = indexSeries(evidence.history, evidence.historyStart);
  const kind = forecastKindFor(series, series.length);
  const { forecast, wander: own, window } = fitLevel(series, kind, settings.plan.maxMaxMinutes);
  const levelMinutes = window ?? LEVEL_MINUTES;
  const expectedRate = forecastRate(forecast, [], evidence.candidateStart, 0);
  const expectedEventsPerMinute = expectedRate * recentExposurePerMinute(evidence.history);
  // Under 3 days τ² already leans on the fleet's 30-minute figure (aa-wander.ts); from 3 days, on its curve by window length.
  const shortHistory = own.lowAssurance, calibration = shortHistory ? own.calibration : shrinkToFleet(own.calibration);
  const maxMinutes = resolvingMaxMinutes(settings.plan, expectedEventsPerMinute, calibration, forecast.varLog, settings.detect);
  const days = (series.length / 1440).toFixed(1);
  const base = { maxMinutes, expectedRate, expectedEventsPerMinute, forecast, calibration, burstCap: BURST_CAP };
  const forecastModel = (prefix: string): RateBaselineModel =>
    kind === "before_deploy"
      ? { ...base, design: "before_deploy", lowAssurance: true, designReason: `${prefix}under a day of history (${days} d): compared with the hour before the deploy, of low assurance` }
      : { ...base, design: "forecast", lowAssurance: shortHistory,
        designReason: `${prefix}compared with a forecast from ${days} days of history (level of the last ${levelMinutes / 60} h${kind === "level" ? "" : " × daily cycle"}${kind === "daily_weekly" ? " × weekly cycle" : ""})${shortHistory ? "; its normal wander rests on under 3 days" : ""}` };

  if (evidence.reference !== undefined)
    return { ...base, design: "reference", lowAssurance: kind === "before_deploy" || shortHistory, designReason: "compared with the chosen reference window over the same minutes" };
  if (evidence.concurrent !== undefined) {
    const c = evidence.concurrent;
    const concurrent = fitConcurrent(c.candidateHistory, c.controlHistory, settings, c.exchangeable === true);
    if (concurrent.unavailable !== undefined) return forecastModel(`the concurrent comparison was not possible (${concurrent.unavailable}), so: `);
    const forecastTau2 = tau2At(calibration, 30);
    // Under 8 A/A windows the groups' wander is unknown, not zero: only exchangeable groups skip the comparison.
    if (!concurrent.exchangeable && concurrent.pairs < 8)
      return forecastModel(`the host groups' usual difference could not be measured (${concurrent.pairs} windows of history), so: `);
    if (concurrent.groupTau2 > forecastTau2)
      return forecastModel(`the host groups wander apart more (τ² ${concurrent.groupTau2.toFixed(3)}) than the forecast misses (τ² ${forecastTau2.toFixed(3)}), so: `);
    const groupSeries = indexSeries(c.candidateHistory, 0);
    const perMinute = Math.min(RECENT_TRAFFIC_MINUTES * 7, groupSeries.length);
    const groupEvents = perMinute > 0 ? (groupSeries.cumEvents[groupSeries.length]! - groupSeries.cumEvents[groupSeries.length - perMinute]!) / perMinute : 0;
    // At least an hour: the mixture test has no wander to wait out, but a doubling needs about 12–35 minutes at 1000 rpm.
    return { ...base, design: "concurrent", lowAssurance: false, concurrent, designReason: "compared with the hosts still on the old version",
      maxMinutes: Math.min(settings.plan.maxMaxMinutes, Math.max(CONCURRENT_MIN_MAX_MINUTES, maxMinutesFor(settings.plan, groupEvents))) };
  }
  return forecastModel("");
}

/** Level windows a quiet service's forecast may use, in minutes; the first is the usual 7 hours. */
export const LEVEL_WINDOWS = [LEVEL_MINUTES, 1440, 4320] as const;
/** Under this many errors in the 7-hour level (its log sd over 0.05), the longer level windows are backtested too. */
export const QUIET_LEVEL_EVENTS = 400;

/**
 * The forecaster and its A/A wander. A quiet service's 7-hour level rests on few errors (20 rpm at 0.5 %: 42, log sd
 * 0.15, as much as the wander); a longer level is steadier but follows a moving level later. Each window is backtested
 * on the service's own history and the one with the least forecast variance plus wander at an hour's look is used.
 * The fleet curve its τ² is then shrunk toward (fleet-wander.ts) was measured with the 7-hour level.
 */
function fitLevel(series: MinuteSeries, kind: ForecastKind, maxMinutes: number): WindowFit {
  const fit = (window?: number) => windowFit(series, kind, maxMinutes, window, undefined, BURST_CAP);
  const usual = fit();
  // Under MIN_FORECAST_EVENTS the A/A windows hold well under one expected error each, and their log ratios say little.
  const events = usual.forecast.levelEvents;
  if (kind === "before_deploy" || usual.wander.lowAssurance || events >= QUIET_LEVEL_EVENTS || events < MIN_FORECAST_EVENTS) return usual;
  return leastVarianceFit([usual, ...LEVEL_WINDOWS.filter((w) => w > LEVEL_MINUTES && w <= series.length).map(fit)]);
}

/** How much history the baseline rests on, for the verdict's window and its "1 in N windows" sentence. */
function withHistory(stats: ReturnType<typeof rateStats>, calibration: WanderCalibration): ReturnType<typeof rateStats> {
  return { ...stats, details: { ...stats.details, historyMinutes: calibration.historyMinutes, aaWindows: calibration.aaLogRatios.length } };
}

/** Every look from the first up to the data there is; stops at the first decisive look. */
export function judgeRateSequential(
  model: RateBaselineModel,
  evidence: RateEvidence,
  settings: SequentialSettings,
  size?: (minutes: number) => { relative: number; absolute: number } | undefined,
): SequentialResult {
  if (model.design === "concurrent" && model.concurrent !== undefined && evidence.concurrent !== undefined)
    return judgeConcurrent(model.concurrent, evidence.candidate, evidence.concurrent.control, settings, model.maxMinutes, size);
  const reference = model.design === "reference" ? indexSeries(evidence.reference ?? [], evidence.candidateStart) : undefined;
  const baselineAt = (t: number): LookBaseline => {
    const tau2 = tau2At(model.calibration, t);
    if (reference === undefined)
      return { rate: forecastRate(model.forecast, evidence.candidate, evidence.candidateStart, t), varLog: model.forecast.varLog, tau2, events: model.forecast.levelEvents };
    const until = Math.min(t, reference.length);
    const e = reference.cumEvents[until]!, n = reference.cumExposure[until]!;
    return { rate: n > 0 ? (e + 0.5) / n : NaN, varLog: 1 / (e + 0.5), tau2, events: e };
  };
  const bounds = settings.boundaries ?? boundariesFor(model.maxMinutes, settings.alpha, settings.beta, model.boundaryTable);
  // A reference window is not a forecast: its minutes have no expected count to cut at.
  const cap = reference === undefined ? capFor(model.forecast.levelEvents, model.burstCap) : undefined;
  const cappedAt = cap === undefined ? undefined : windowCapped(evidence.candidate, (i) => model.forecast.level * factorAt(model.forecast, evidence.candidateStart + i * MINUTE_MS), cap);
  // The test reads the capped counts; the floors and what a person is shown read the counts as they are.
  const raw = cap === undefined ? undefined : indexSeries(evidence.candidate, evidence.candidateStart);
  const rawSize: SizeAt | undefined = raw && ((t) => {
    const rate = baselineAt(t).rate, observed = raw.cumExposure[t]! > 0 ? raw.cumEvents[t]! / raw.cumExposure[t]! : 0;
    return { relative: observed / rate - 1, absolute: observed - rate };
  });
  const tested = runLooks(evidence.candidate, settings.plan, model.maxMinutes, baselineAt, settings, bounds, (size as SizeAt | undefined) ?? rawSize, cappedAt);
  const run = raw === undefined ? tested : { ...tested, look: shownLook(tested.look, raw, settings, bounds) };
  const baselineN = reference ? reference.cumExposure[Math.min(run.look.minutes, reference.length)]! : model.forecast.levelExposure;
  const method = `group-sequential log rate ratio against ${reference ? "the reference window" : model.design === "forecast" ? "the seasonal forecast" : "the hour before the deploy"} (${bounds.earlyFailZ !== undefined ? "two-stage fail boundary" : "constant boundary"}${cap ? `; each minute's errors capped at ${cap.multiple}× its forecast for the test` : ""})`;
  const decided = run.status === "fail" || run.status === "warn" || run.status === "pass" || run.status === "hold";
  // The A/A windows were scored on capped counts too: compare like with like.
  const frequency = decided && !reference && run.look.exposure > 0 ? historyFrequency(model.calibration, tested.look.logRatio) : undefined;
  const why = rateWhy(run, model.nouns ?? ERROR_NOUNS, settings.direction, settings.detect, settings.plan.firstLookMinutes, evidence.candidate.length);
  return {
    status: run.status,
    design: model.design,
    designReason: model.designReason,
    lowAssurance: model.lowAssurance,
    minutesUsed: run.status === "continue" ? Math.min(evidence.candidate.length, model.maxMinutes) : run.minutesUsed,
    maxMinutes: model.maxMinutes,
    nextLookMinutes: run.nextLookMinutes,
    stats: withHistory(rateStats(method, run.look, baselineN, settings.direction, { ...bounds, failZ: failZAt(bounds, run.look.minutes) }, model.maxMinutes), model.calibration),
    intervalLevel: RATE_INTERVAL_LEVEL,
    ...(frequency !== undefined ? { historyFrequency: frequency } : {}),
    ...(why !== undefined ? { why } : {}),
  };
}

/** The capped count of the first t candidate minutes, cut at the level of those t minutes (burst-winsor.ts#WindowCap). */
function windowCapped(candidate: readonly MinuteCounts[], expectedRateAt: (i: number) => number, cap: BurstCap): (minutes: number) => number {
  let window = new WindowCap(cap), added = 0;
  return (minutes) => {
    if (minutes < added) [window, added] = [new WindowCap(cap), 0];
    for (; added < Math.min(minutes, candidate.length); added++) window.add(candidate[added]!.events, expectedRateAt(added) * candidate[added]!.exposure);
    window.rescale();
    return window.sum;
  };
}

/** The deciding look as a person reads it: the counts as they are, with the test's z and decision on the capped ones. */
function shownLook(look: LookOutcome, raw: MinuteSeries, rules: SequentialSettings, bounds: BoundaryPair): LookOutcome {
  const t = look.minutes;
  const plain = judgeLook(t, raw.cumEvents[t]!, raw.cumExposure[t]!, look.baseline, rules, bounds);
  return { ...plain, z: look.z, decision: look.decision };
}
