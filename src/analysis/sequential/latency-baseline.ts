/**
 * The baseline of the latency signal: the hour before the deploy, with its wander measured by A/A backtests of that
 * same "hour before" forecaster over the whole history. Latency drifts (the median is close to a random walk that also
 * follows load), so the latest hour predicts the next one far better than a 7-hour level with a daily cycle: on the
 * review's traffic the forecast's wander at 30 minutes is about 0.29 in log share, the hour before's about 0.08
 * (verdict-statistics-review §2e used the hour before for latency for this reason). With 3 days of history this is
 * not of low assurance: only the wander estimate needs the history, and it has it. The maximum window is the plan's
 * longest (2 h), as in the review's latency design, not the errors' "about 100 events" rule.
 */
import { LATENCY_FLEET_TAU2, leastVarianceFit, windowFit } from "./aa-wander.ts";
import { LATENCY_BOUNDARY_TABLE, LATENCY_QUIET_BOUNDARY_TABLE } from "./boundaries.ts";
import { BEFORE_DEPLOY_MINUTES, forecastRate, indexSeries } from "./forecast-baseline.ts";
import { type RateBaselineModel, recentExposurePerMinute } from "./rate-sequential.ts";
import type { RateEvidence, SequentialSettings } from "./sequential-types.ts";

/** The windows a quiet service's exceedance share may be read over; the shortest is the usual hour before. */
export const LATENCY_BASELINE_WINDOWS = [60, 120, 240] as const;
/** Under this many requests beyond the p95 in the hour before, a longer window is weighed against its drift. */
export const QUIET_EXCEEDANCES = 200;

export function fitLatencyBaseline(evidence: Pick<RateEvidence, "history" | "historyStart" | "candidateStart">, settings: SequentialSettings): RateBaselineModel {
  const series = indexSeries(evidence.history, evidence.historyStart);
  // The whole latency maximum: the exceedance counts arrive fast, but a +25 % tail raises their share only ~1.4×.
  const maxMinutes = settings.plan.maxMaxMinutes;
  const quiet = isQuiet(series);
  const windows = quiet ? LATENCY_BASELINE_WINDOWS.filter((w) => w === BEFORE_DEPLOY_MINUTES || w <= series.length) : [BEFORE_DEPLOY_MINUTES];
  const { window, forecast, wander } = leastVarianceFit(windows.map((w) => windowFit(series, "before_deploy", maxMinutes, w, LATENCY_FLEET_TAU2)));
  const expectedRate = forecastRate(forecast, [], evidence.candidateStart, 0);
  const days = (series.length / 1440).toFixed(1);
  const minutes = window ?? BEFORE_DEPLOY_MINUTES;
  const compared = minutes === BEFORE_DEPLOY_MINUTES
    ? "compared with the hour before the deploy (latency drifts, so the latest hour predicts it best)"
    : `compared with the ${minutes / 60} hours before the deploy (a quiet service: by backtests on its history the longer window's count outweighs the drift)`;
  return {
    design: "before_deploy",
    designReason: `${compared}; its normal wander measured on ${days} days of history`,
    lowAssurance: wander.lowAssurance,
    maxMinutes,
    expectedRate,
    expectedEventsPerMinute: expectedRate * recentExposurePerMinute(evidence.history),
    forecast,
    calibration: wander.calibration,
    boundaryTable: quiet ? LATENCY_QUIET_BOUNDARY_TABLE : LATENCY_BOUNDARY_TABLE,
  };
}

/**
 * A quiet service has few requests beyond the p95 in the hour before (at 20 requests a minute about 60: log sd 0.13).
 * Its baseline may then be read over a longer window, each backtested (A/A) and the one whose forecast variance plus
 * wander at an hour's look is least used; and its boundaries are its own (LATENCY_QUIET_BOUNDARY_TABLE).
 */
function isQuiet(series: ReturnType<typeof indexSeries>): boolean {
  const end = series.length, from = Math.max(0, end - BEFORE_DEPLOY_MINUTES);
  return series.cumEvents[end]! - series.cumEvents[from]! < QUIET_EXCEEDANCES;
}
