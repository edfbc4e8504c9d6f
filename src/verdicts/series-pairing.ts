import { rawSample } from "../analysis/classify-distribution.ts";
import type { RateCounts } from "../analysis/classify-rate.ts";
import type { SignalInput } from "../analysis/judge.ts";
import type { SignalKind } from "../rules/rule-schema.ts";
import type { SourceSeries } from "../sources/source.ts";
import { histogramSample } from "../telemetry/latency-histogram.ts";

type SignalData = SignalInput["data"];
type Counts = Extract<SourceSeries, { kind: "counts" }>;

/** What a source returned for one signal: both windows, and for an error rate the history before the baseline. */
export interface FetchedSeries {
  baseline: SourceSeries;
  candidate: SourceSeries;
  history?: { series: SourceSeries; start: number; end: number } | undefined;
  baselineMinutes: number;
}

const total = (s: Counts): RateCounts => s.points.reduce((a, p) => ({ events: a.events + p.events, exposure: a.exposure + p.exposure }), { events: 0, exposure: 0 });

/** Per-minute counts over [start, end), silent minutes as 0 — the shape window-wander.ts measures. */
function denseMinutes(s: Counts, start: number, end: number): RateCounts[] {
  const out = Array.from({ length: Math.round((end - start) / 60_000) }, () => ({ events: 0, exposure: 0 }));
  for (const p of s.points) {
    const slot = out[Math.floor((p.t - start) / 60_000)];
    if (!slot) continue;
    slot.events += p.events;
    slot.exposure += p.exposure;
  }
  return out;
}

/** A sample from a latency or metric series: the requests' histogram when the source has it, else one value per interval. */
function sample(s: SourceSeries): { values: number[]; weights: number[] } | undefined {
  if (s.kind === "histogram") return histogramSample(s.hist);
  if (s.kind === "values") return rawSample(s.points.map((p) => p.value).filter(Number.isFinite));
  return undefined;
}

/** Pairs a source's series into the judge's input, the way the builtin fast path pairs its own windows. */
export function pairSeries(kind: SignalKind, f: FetchedSeries): SignalData {
  if (kind === "error_rate") {
    const { baseline: b, candidate: c } = f;
    if (b.kind !== "counts" || c.kind !== "counts") return { kind: "error", message: `the source answered with ${b.kind === "counts" ? c.kind : b.kind} where an error rate needs counts` };
    const history = f.history?.series.kind === "counts"
      ? { series: denseMinutes(f.history.series, f.history.start, f.history.end), baselineMinutes: f.baselineMinutes } : undefined;
    const baselineSeries = b.points.map((p) => ({ events: p.events, exposure: p.exposure }));
    return { kind: "rate", baseline: total(b), candidate: total(c), baselineSeries, history };
  }
  const b = sample(f.baseline), c = sample(f.candidate);
  if (!b || !c) return { kind: "error", message: `the source answered with counts where a ${kind === "latency" ? "latency" : "metric"} signal needs values` };
  return { kind: "distribution", baseline: b, candidate: c };
}
