/**
 * npm run bench:verdict — time to compute one verdict with 10 signals of 1,000 points each (target p99 ≤ 20 ms),
 * through the pure judge(): 5 distribution signals (Mann–Whitney + Hodges–Lehmann on raw points) and 5 rate signals;
 * then the sequential engine's 10 signals with its look-by-look bookkeeping.
 */
import { rawSample } from "../src/analysis/classify-distribution.ts";
import { judge, type SignalInput } from "../src/analysis/judge.ts";
import { ERROR_PLAN } from "../src/analysis/sequential/look-plan.ts";
import { fitRateBaseline, judgeRateSequential } from "../src/analysis/sequential/rate-sequential.ts";
import type { RateEvidence, SequentialSettings } from "../src/analysis/sequential/sequential-types.ts";
import { mulberry32 } from "../test/support/traffic.ts";

const rnd = mulberry32(7);
const lognormal = (n: number, median: number) =>
  Array.from({ length: n }, () => median * Math.exp(0.4 * Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd())));
const settings = { direction: "increase" as const, fail: { relative: 0.2, absolute: 0 }, minSamples: 100, confidence: 0.99 };

function signals(): SignalInput[] {
  const out: SignalInput[] = [];
  for (let k = 0; k < 5; k++) {
    out.push({ name: `dist_${k}`, settings, weight: 1, critical: false, noData: "hold", data: { kind: "distribution", baseline: rawSample(lognormal(1000, 100)), candidate: rawSample(lognormal(1000, 100 + 10 * k)) } });
    const perMinute = Array.from({ length: 1000 }, () => ({ events: Math.floor(rnd() * 10), exposure: 1000 }));
    const sum = (k2: "events" | "exposure") => perMinute.reduce((a, p) => a + p[k2], 0);
    out.push({ name: `rate_${k}`, settings, weight: 1, critical: false, noData: "hold", data: { kind: "rate", baseline: { events: sum("events"), exposure: sum("exposure") }, candidate: { events: sum("events") + 50 * k, exposure: sum("exposure") }, baselineSeries: perMinute } });
  }
  return out;
}

const inputs = Array.from({ length: 20 }, signals);
for (let i = 0; i < 20; i++) judge(inputs[i % 20]!, { pass: 90, warn: 60 });
const times: number[] = [];
for (let i = 0; i < 500; i++) {
  const t = performance.now();
  judge(inputs[i % 20]!, { pass: 90, warn: 60 });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
console.log("\n| measure | p50 | p99 | max | target |\n|---|---|---|---|---|");
console.log(`| verdict, 10 signals × 1,000 points (judge) | ${q(0.5)} ms | ${q(0.99)} ms | ${times[times.length - 1]!.toFixed(2)} ms | p99 ≤ 20 ms |`);

// The sequential engine: 10 signals, each replaying every look over 240 candidate minutes against a forecast fitted on
// 7 days of per-minute history (10,080 points). "fit + looks" is a release's first evaluation (the model is then cached);
// "looks" is every later one: the sequential bookkeeping is a replay of the looks, so both are timed.
const MINUTE = 60_000;
const deployAt = Date.parse("2026-11-21T12:00:00Z");
function evidence(seed: number): RateEvidence {
  const r = mulberry32(seed);
  const minute = (rate: number) => ({ events: r() < rate * 300 - Math.floor(rate * 300) ? Math.ceil(rate * 300) : Math.floor(rate * 300), exposure: 300 });
  const history = Array.from({ length: 7 * 1440 }, (_, i) => minute(0.005 * (1 + 0.3 * Math.sin((2 * Math.PI * i) / 1440))));
  return { history, historyStart: deployAt - history.length * MINUTE, candidate: Array.from({ length: 240 }, () => minute(0.005)), candidateStart: deployAt + MINUTE };
}
const settingsSeq: SequentialSettings = {
  direction: "increase", fail: { relative: 0.5, absolute: 0.001 }, detect: { relative: 1, absolute: 0.001 }, minSamples: 200, alpha: 0.005, beta: 0.05,
  plan: ERROR_PLAN,
};
const releases = Array.from({ length: 6 }, (_, k) => Array.from({ length: 10 }, (_, s) => evidence(100 * k + s)));
const models = releases.map((signalsOf) => signalsOf.map((e) => fitRateBaseline(e, settingsSeq)));
const timed = (run: (k: number) => void, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    run(i % releases.length);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
};
const row = (label: string, t: number[]) => {
  const at = (p: number) => t[Math.min(t.length - 1, Math.floor(p * t.length))]!.toFixed(2);
  console.log(`| ${label} | ${at(0.5)} ms | ${at(0.99)} ms | ${t[t.length - 1]!.toFixed(2)} ms | p99 ≤ 20 ms |`);
};
timed((k) => releases[k]!.forEach((e, s) => judgeRateSequential(models[k]![s]!, e, settingsSeq)), 20);
row("sequential, 10 signals: every look over 240 min (model cached)", timed((k) => releases[k]!.forEach((e, s) => judgeRateSequential(models[k]![s]!, e, settingsSeq)), 200));
row("sequential, 10 signals: fit on 7 days + every look (first evaluation)", timed((k) => releases[k]!.forEach((e) => judgeRateSequential(fitRateBaseline(e, settingsSeq), e, settingsSeq)), 60));
