/**
 * npm run bench:fleet-curve — the fleet wander curve of src/analysis/sequential/fleet-wander.ts: the mean of each
 * window length's A/A τ² over the benchmark's training services (100 unchanged before/after releases at each of
 * 20/100/300/1000 rpm, seed 7700099, 3 days of history each), measured as the engine measures a service's own
 * (calibrateWander on cut counts against the forecast), before any shrinking. Prints the curve's table.
 */
import { calibrateWander } from "../src/analysis/sequential/aa-wander.ts";
import { BURST_CAP } from "../src/analysis/sequential/burst-winsor.ts";
import { forecastKindFor, indexSeries } from "../src/analysis/sequential/forecast-baseline.ts";
import { ERROR_PLAN } from "../src/analysis/sequential/look-plan.ts";
import { loadShippedRule, planOf } from "./accuracy/judge-panel.ts";
import { RandomSource } from "./accuracy/random-source.ts";
import { TRAFFIC_LEVELS } from "./accuracy/scenario-cells.ts";
import { historyOnly, rateEvidence } from "./accuracy/sequential-engine-judge.ts";
import { TrafficGenerator } from "./accuracy/traffic-generator.ts";

const SEED = 7_700_099, PER_LEVEL = 100;
const POINTS = [10, 15, 20, 30, 45, 60, 90, 120, 180, 240];

const generator = new TrafficGenerator(planOf(loadShippedRule()));
const sums = new Float64Array(ERROR_PLAN.maxMaxMinutes);
let services = 0;
for (const rpm of TRAFFIC_LEVELS) {
  for (let i = 0; i < PER_LEVEL; i++) {
    const release = generator.generate({ rpm, errorFactor: 1, latency: { kind: "none" }, traffic: "normal" }, new RandomSource(SEED, rpm * 1000 + i));
    const { history, historyStart } = historyOnly(rateEvidence(release, "errors", ERROR_PLAN.maxMaxMinutes));
    const series = indexSeries(history, historyStart);
    const { tau2ByMinutes } = calibrateWander(series, forecastKindFor(series, series.length), ERROR_PLAN.maxMaxMinutes, undefined, BURST_CAP).calibration;
    tau2ByMinutes.forEach((v, t) => (sums[t] = sums[t]! + v));
    services++;
  }
}
const rows = POINTS.map((m) => `[${m}, ${(sums[m - 1]! / services).toFixed(4)}]`);
console.log(`// mean A/A τ² over ${services} training services (seed ${SEED})\nexport const FLEET_WANDER_CURVE = [\n  ${rows.join(", ")},\n];`);
