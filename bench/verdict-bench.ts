/**
 * npm run bench:verdict — time to compute one verdict with 10 signals of 1,000 points each (target p99 ≤ 20 ms),
 * through the pure judge(): 5 distribution signals (Mann–Whitney + Hodges–Lehmann on raw points) and 5 rate signals.
 */
import { rawSample } from "../src/analysis/classify-distribution.ts";
import { judge, type SignalInput } from "../src/analysis/judge.ts";
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
