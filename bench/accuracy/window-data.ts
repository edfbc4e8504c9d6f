/** Windows over a simulated release, summed the way src/telemetry/window-reader.ts sums the per-minute roll-ups. */
import type { RateCounts } from "../../src/analysis/classify-rate.ts";
import { emptyDense, histogramQuantile, type DenseHistogram } from "../../src/telemetry/latency-histogram.ts";
import type { MinuteAggregate } from "./release-scenario.ts";

export interface WindowTotals {
  requests: number;
  errors: number;
  hist: DenseHistogram;
}

/** Minutes [from, to) summed into one dense histogram and two counts. */
export function sumWindow(minutes: readonly MinuteAggregate[], from: number, to: number): WindowTotals {
  const out: WindowTotals = { requests: 0, errors: 0, hist: emptyDense() };
  for (let t = from; t < to; t++) addMinute(out, minutes[t]!);
  return out;
}

export function addMinute(into: WindowTotals, minute: MinuteAggregate): void {
  into.requests += minute.requests;
  into.errors += minute.errors;
  if (minute.requests === 0) return;
  const h = minute.hist;
  for (let b = 0; b < h.length; b++) into.hist[b]! += h[b]!;
}

export function copyTotals(w: WindowTotals): WindowTotals {
  return { requests: w.requests, errors: w.errors, hist: Float64Array.from(w.hist) };
}

/** Errors and requests per minute, only for minutes that had requests (a minute with none has no roll-up row). */
export function rateSeries(minutes: readonly MinuteAggregate[], from: number, to: number): RateCounts[] {
  const out: RateCounts[] = [];
  for (let t = from; t < to; t++) {
    const m = minutes[t]!;
    if (m.requests > 0) out.push({ events: m.errors, exposure: m.requests });
  }
  return out;
}

/** Pearson dispersion φ of per-minute error counts under one common rate (1 = Poisson), for the report. */
export function pearsonDispersion(series: readonly RateCounts[]): number | undefined {
  const events = series.reduce((s, c) => s + c.events, 0), exposure = series.reduce((s, c) => s + c.exposure, 0);
  if (series.length < 5 || events === 0) return undefined;
  const rate = events / exposure;
  let chi = 0;
  for (const c of series) chi += (c.events - c.exposure * rate) ** 2 / (c.exposure * rate);
  return chi / (series.length - 1);
}

export const p95Of = (h: DenseHistogram): number | undefined => histogramQuantile(h, 0.95);
