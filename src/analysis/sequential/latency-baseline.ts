/**
 * The baseline of the latency signal: the hour before the deploy, with its wander measured by A/A backtests of that
 * same "hour before" forecaster over the whole history. Latency drifts (the median is close to a random walk that also
 * follows load), so the latest hour predicts the next one far better than a 7-hour level with a daily cycle: on the
 * review's traffic the forecast's wander at 30 minutes is about 0.29 in log share, the hour before's about 0.08
 * (verdict-statistics-review §2e used the hour before for latency for this reason). With 3 days of history this is
 * not of low assurance: only the wander estimate needs the history, and it has it. The maximum window is the plan's
 * longest (2 h), as in the review's latency design, not the errors' "about 100 events" rule.
 */
import { calibrateWander, LATENCY_FLEET_TAU2 } from "./aa-wander.ts";
import { LATENCY_BOUNDARY_TABLE } from "./boundaries.ts";
import { fitForecaster, forecastRate, indexSeries } from "./forecast-baseline.ts";
import type { RateBaselineModel } from "./rate-sequential.ts";
import type { RateEvidence, SequentialSettings } from "./sequential-types.ts";

const RECENT_TRAFFIC_MINUTES = 60;

export function fitLatencyBaseline(evidence: Pick<RateEvidence, "history" | "historyStart" | "candidateStart">, settings: SequentialSettings): RateBaselineModel {
  const series = indexSeries(evidence.history, evidence.historyStart);
  const forecast = fitForecaster(series, series.length, "before_deploy");
  const expectedRate = forecastRate(forecast, [], evidence.candidateStart, 0);
  const recent = evidence.history.slice(-RECENT_TRAFFIC_MINUTES);
  const perMinute = recent.length > 0 ? recent.reduce((sum, m) => sum + m.exposure, 0) / recent.length : 0;
  const expectedEventsPerMinute = expectedRate * perMinute;
  // The whole latency maximum: the exceedance counts arrive fast, but a +25 % tail raises their share only ~1.4×.
  const maxMinutes = settings.plan.maxMaxMinutes;
  const { calibration, lowAssurance } = calibrateWander(series, "before_deploy", maxMinutes, LATENCY_FLEET_TAU2);
  const days = (series.length / 1440).toFixed(1);
  return {
    design: "before_deploy",
    designReason: `compared with the hour before the deploy (latency drifts, so the latest hour predicts it best); its normal wander measured on ${days} days of history`,
    lowAssurance,
    maxMinutes,
    expectedRate,
    expectedEventsPerMinute,
    forecast,
    calibration,
    boundaryTable: LATENCY_BOUNDARY_TABLE,
  };
}
