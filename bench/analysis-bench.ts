/**
 * npm run bench:analysis — how long the statistics that run on every evaluation take, per call (median of repeated
 * runs after a warm-up). These were timed assertions in the tests; speed belongs here, where load cannot fail a build.
 */
import { detectChangePoint, detectMeanShift } from "../src/analysis/change-point.ts";
import { exposureNeededForRate, rateDetectionPower } from "../src/analysis/detection-power.ts";
import { mannWhitney, type WeightedSample } from "../src/analysis/mann-whitney.ts";
import { tailTest } from "../src/analysis/tail-test.ts";
import { calibrateWander } from "../src/analysis/sequential/aa-wander.ts";
import { forecastKindFor, indexSeries } from "../src/analysis/sequential/forecast-baseline.ts";
import { DrainMiner } from "../src/analysis/log-templates/drain-miner.ts";
import { generatedLines } from "../test/support/generated-log-lines.ts";
import { seededSampler } from "../test/support/seeded-sampler.ts";
import { ar1Multiplier, simulateMinutes } from "../test/analysis/sequential/simulated-service.ts";

const rng = seededSampler(20261122);
const normals = (n: number, mean: number, sd: number) => Array.from({ length: n }, () => mean + sd * rng.normal());

/** A 300-bucket latency histogram of about 100,000 requests, log-normal around the median. */
function histogram(median: number): WeightedSample {
  const values = Array.from({ length: 300 }, (_, i) => median * 1.025 ** (i - 150));
  const weights = values.map((v) => Math.round(100_000 * Math.exp(-((Math.log(v / median) / 0.4) ** 2) / 2) / (0.4 * Math.sqrt(2 * Math.PI)) * Math.log(1.025)));
  return { values, weights };
}

function medianMs(run: () => unknown, repeats: number): number {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const rate = { baselineRate: 0.004, baselineExposure: 1.2e6, candidateExposure: 6e4, relativeEffect: 0.25, absoluteEffect: 0, alpha: 0.01, phi: 2 };
const two = { alternative: "two-sided" as const, confidence: 0.95 };
const hb = histogram(100), hc = histogram(104);
const rawB = normals(5000, 1000, 250), rawC = normals(5000, 1002, 250);
const tailB = normals(10_000, 200, 20), tailC = normals(10_000, 200, 25);
const counts = Array.from({ length: 120 }, (_, i) => ({ t: i * 60_000, events: rng.poisson(1000 * (i < 80 ? 0.01 : 0.013)), exposure: 1000 }));
const values = counts.map((p) => ({ t: p.t, value: p.events }));

const week = (() => {
  const m = ar1Multiplier(101, 7 * 1440, 0.98, 0.15);
  return indexSeries(simulateMinutes(201, 7 * 1440, 1000, (i) => 0.01 * m[i]!), Date.UTC(2026, 0, 5));
})();
const weekKind = forecastKindFor(week, week.length);
const logLines = generatedLines(50_000, 7).map((l) => l.line);
const mine = () => {
  const miner = new DrainMiner();
  for (const line of logLines) miner.add(line);
};

const rows: [string, string, number, number][] = [
  ["rateDetectionPower", "one rate signal", medianMs(() => rateDetectionPower(rate), 50), 20],
  ["exposureNeededForRate", "one rate signal, 80 % power", medianMs(() => exposureNeededForRate({ ...rate, power: 0.8 }), 10), 500],
  ["mannWhitney (+ Hodges–Lehmann)", "300-bucket histograms, ~100,000 requests a side", medianMs(() => mannWhitney(hb, hc, two), 20), 50],
  ["mannWhitney (+ Hodges–Lehmann)", "5,000 vs 5,000 raw values", medianMs(() => mannWhitney(rawB, rawC, two), 5), 1000],
  ["tailTest (p99)", "300-bucket histograms", medianMs(() => tailTest(hb, hc, { quantile: 0.99, ...two }), 50), 5],
  ["tailTest (p99)", "10,000 raw values a side", medianMs(() => tailTest(tailB, tailC, { quantile: 0.99, ...two }), 20), 50],
  ["detectChangePoint", "120 minutes, 999 permutations", medianMs(() => detectChangePoint(counts), 10), 100],
  ["detectMeanShift", "120 minutes, 999 permutations", medianMs(() => detectMeanShift(values), 10), 100],
  ["calibrateWander (A/A backtests)", "7 days of minutes, windows up to 240 min", medianMs(() => calibrateWander(week, weekKind, 240), 10), 20],
  // 50,000 lines within 2 s: at least 25,000 messages a second through the Drain template miner.
  ["DrainMiner.add × 50,000", "six kinds of error lines, ids and numbers varying", medianMs(mine, 3), 2000],
];

console.log("| function | input | median ms | budget ms | within |\n| --- | --- | --- | --- | --- |");
for (const [name, input, ms, budget] of rows) console.log(`| ${name} | ${input} | ${ms.toFixed(3)} | ${budget} | ${ms <= budget ? "yes" : "NO"} |`);
