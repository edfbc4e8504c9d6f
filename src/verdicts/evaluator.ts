import type { RateHistory } from "../analysis/classify-rate.ts";
import { judge, type SignalInput, type SignalJudgement } from "../analysis/judge.ts";
import { standardizeToCandidateMix } from "../analysis/route-mix.ts";
import type { SignalSettings } from "../analysis/signal-result.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";
import { routeLike, type BuiltinSource } from "../sources/builtin-source.ts";
import { histogramSample, type DenseHistogram } from "../telemetry/latency-histogram.ts";
import type { RequestWindow, WindowQuery } from "../telemetry/window-reader.ts";
import { explainErrorRate, explainLatency, explainLimit, explainMetric, summarize } from "./explain.ts";
import type { PairedWindows, WindowSpec } from "./baseline-resolver.ts";
import type { Check, FinalVerdict } from "./verdict.ts";
import { NO_READS, readsOutsideSources, type ExternalRead, type ExternalReader, type ExternalReads } from "./external-reads.ts";

export interface EvaluationInput {
  service: string;
  environment: string;
  version: string;
  rule: Rule;
  /** Baseline and candidate windows (and hosts), as the rule's baseline kind chose them. */
  paired: PairedWindows;
  final: boolean;
  /** How the verdict names what it judged; defaults to "service version in environment". */
  target?: string;
  now: number;
}

export const settingsOf = (s: SignalRule, confidence: number): SignalSettings => ({
  direction: s.direction, fail: s.fail, warn: s.warn, detect: s.detect, limit: s.limit, minSamples: s.min_samples, confidence,
});

/** Signals of one evaluation that read the same window (error rate and latency do) read it once. */
/** previous_release with `count` > 1: the baseline is the sum of each pooled release's window of the same length. */
async function pooledRequests(reads: WindowCache, baseline: WindowQuery, pooled: number[] | undefined): Promise<RequestWindow> {
  if (!pooled || pooled.length < 2) return reads.requests(baseline);
  const span = baseline.end - baseline.start;
  const windows: RequestWindow[] = [];
  for (const start of pooled) windows.push(await reads.requests({ ...baseline, start, end: start + span }));
  const hist = windows[0]!.hist.slice() as DenseHistogram;
  for (const w of windows.slice(1)) w.hist.forEach((n, i) => (hist[i] = hist[i]! + n));
  const sum = (k: "requests" | "errors" | "latencyCount" | "latencySum") => windows.reduce((a, w) => a + w[k], 0);
  return { requests: sum("requests"), errors: sum("errors"), latencyCount: sum("latencyCount"), latencySum: sum("latencySum"), hist,
    perMinute: new Map(windows.flatMap((w) => [...w.perMinute])) };
}

class WindowCache {
  private readonly cache = new Map<string, RequestWindow>();

  constructor(private readonly source: BuiltinSource) {}

  async requests(q: WindowQuery): Promise<RequestWindow> {
    const key = JSON.stringify(q);
    let w = this.cache.get(key);
    if (!w) this.cache.set(key, (w = await this.source.requests(q)));
    return w;
  }
}

/**
 * window → fetch → pair (this file) → judge (pure, src/analysis/judge.ts) → explain. Outside sources are read first
 * (`readOutside`, outside any transaction); pushed telemetry is read here, inside the caller's.
 */
export class Evaluator {
  constructor(
    private readonly builtin: BuiltinSource,
    private readonly outside?: ExternalReader,
  ) {}

  /** The outside sources' data for one evaluation; nothing to read when every signal is builtin. */
  readOutside(input: EvaluationInput): Promise<ExternalReads> {
    return this.outside && readsOutsideSources(input.rule) ? this.outside.read(input) : Promise.resolve(NO_READS);
  }

  /** readOutside, then evaluate: for callers outside any transaction (the backtest). */
  async evaluateReading(input: EvaluationInput): Promise<FinalVerdict> {
    return this.evaluate(input, await this.readOutside(input));
  }

  async evaluate(input: EvaluationInput, external: ExternalReads = NO_READS): Promise<FinalVerdict> {
    const { rule, paired } = input;
    const reads = new WindowCache(this.builtin);
    const outages = new Map<string, string>(), notes = new Map<string, string>();
    const inputs: SignalInput[] = [];
    for (const signal of rule.signals) {
      if (signal.source === "builtin" || paired.kind === "missing") {
        inputs.push(await this.fetch(reads, signal, rule.confidence, input));
        continue;
      }
      const read: ExternalRead = external.get(signal.name) ?? { kind: "outage", reason: `${signal.source} was not read for this evaluation` };
      if (read.kind === "outage") outages.set(signal.name, read.reason);
      if (read.kind === "data" && read.note) notes.set(signal.name, read.note);
      inputs.push({ ...this.common(signal, rule.confidence, input), data: read.kind === "data" ? read.data : { kind: "missing", why: read.reason } });
    }
    const judgement = judge(inputs, rule.thresholds);
    const checks = rule.signals.map((signal, i) => {
      const check = toCheck(signal, judgement.signals[i]!, outages.get(signal.name), rule.confidence);
      const note = notes.get(signal.name);
      return note && check.status !== "nodata" ? { ...check, reason: `${check.reason} ${note}` } : check;
    });
    const target = input.target ?? `${input.service} ${input.version} in ${input.environment}`;
    const iso = (t: number) => new Date(t).toISOString();
    return {
      status: judgement.status,
      score: judgement.score,
      summary: summarize(target, judgement.status, checks, input.final),
      checks,
      rule: rule.name,
      final: input.final,
      windows: {
        baseline: paired.kind === "ok"
          ? { start: iso(paired.baseline.start), end: iso(paired.baseline.end), label: paired.label }
          : { start: null, end: null, label: `none: ${paired.why}` },
        analysis: { start: iso(paired.candidate.start), end: iso(paired.candidate.end) },
      },
      evaluated_at: iso(input.now),
    };
  }

  /** The minutes before a before-deploy baseline, dense (silent minutes as 0), for the wander of window-wander.ts. */
  private async history(rule: Rule, baseline: WindowQuery): Promise<RateHistory | undefined> {
    const minutes = rule.baseline.kind === "before_deploy" ? rule.baseline.history_minutes : 0;
    if (minutes === 0) return undefined;
    const start = baseline.start - minutes * 60_000;
    const counts = await this.builtin.requestCounts({ ...baseline, start, end: baseline.start });
    const series = Array.from({ length: minutes }, (_, i) => {
      const m = counts.get(start + i * 60_000);
      return { events: m?.errors ?? 0, exposure: m?.requests ?? 0 };
    });
    return { series, baselineMinutes: Math.round((baseline.end - baseline.start) / 60_000) };
  }

  /** Fetches and pairs one signal's baseline and candidate data; a failed read becomes an error input, not an exception. */
  private common(signal: SignalRule, confidence: number, input: EvaluationInput): Omit<SignalInput, "data"> {
    const { candidate } = input.paired;
    const settings = { ...settingsOf(signal, confidence), candidateMinutes: (candidate.end - candidate.start) / 60_000 };
    return { name: signal.name, settings, weight: signal.weight, critical: signal.critical, noData: signal.no_data };
  }

  private async fetch(reads: WindowCache, signal: SignalRule, confidence: number, input: EvaluationInput): Promise<SignalInput> {
    const { paired } = input;
    const common = this.common(signal, confidence, input);
    if (paired.kind === "missing") return { ...common, data: { kind: "missing", why: `no baseline: ${paired.why}` } };
    const query = (w: WindowSpec): WindowQuery => ({ ...w, service: input.service, environment: input.environment, routeLike: routeLike(signal.route) });
    const baseline = query(paired.baseline), candidate = query(paired.candidate);
    try {
      if (signal.by_route) return { ...common, data: await this.byRoute(signal.kind, baseline, candidate, reads, input.rule) };
      switch (signal.kind) {
        case "error_rate": {
          const b = await pooledRequests(reads, baseline, paired.pooled), c = await reads.requests(candidate);
          const baselineSeries = [...b.perMinute.values()].map((m) => ({ events: m.errors, exposure: m.requests }));
          const history = await this.history(input.rule, baseline);
          return {
            ...common,
            data: { kind: "rate", baseline: { events: b.errors, exposure: b.requests }, candidate: { events: c.errors, exposure: c.requests }, baselineSeries, history },
          };
        }
        case "latency": {
          const b = await pooledRequests(reads, baseline, paired.pooled), c = await reads.requests(candidate);
          return { ...common, data: { kind: "distribution", baseline: histogramSample(b.hist), candidate: histogramSample(c.hist) } };
        }
        case "new_errors":
        case "error_budget":
          return { ...common, data: { kind: "missing", why: `${signal.kind} is judged by the sequential analysis (analysis.mode: sequential)` } };
        case "metric": {
          // Minutes in time order: the step test allows for minute-to-minute correlation (src/analysis/classify-series.ts).
          const b = await this.builtin.metricSeries(signal.metric!, baseline), c = await this.builtin.metricSeries(signal.metric!, candidate);
          const gapPoints = Math.max(0, Math.round((candidate.start - baseline.end) / 60_000));
          return { ...common, data: { kind: "series", baseline: b.map((p) => p.value), candidate: c.map((p) => p.value), gapPoints } };
        }
      }
    } catch (err) {
      return { ...common, data: { kind: "error", message: (err as Error).message } };
    }
  }

  /** Per-route data: strata for the error rate, a baseline standardised to the candidate's route mix for latency. */
  private async byRoute(kind: SignalRule["kind"], baseline: WindowQuery, candidate: WindowQuery, reads: WindowCache, rule: Rule): Promise<SignalInput["data"]> {
    const b = await this.builtin.requestsByRoute(baseline), c = await this.builtin.requestsByRoute(candidate);
    if (kind === "error_rate") {
      const routes = new Set([...b.keys(), ...c.keys()]);
      const strata = [...routes].map((r) => ({
        baseline: { events: b.get(r)?.errors ?? 0, exposure: b.get(r)?.requests ?? 0 },
        candidate: { events: c.get(r)?.errors ?? 0, exposure: c.get(r)?.requests ?? 0 },
      }));
      const sum = (side: "baseline" | "candidate", k: "events" | "exposure") => strata.reduce((a, s) => a + s[side][k], 0);
      const baselineSeries = [...(await reads.requests(baseline)).perMinute.values()].map((m) => ({ events: m.errors, exposure: m.requests }));
      return { kind: "rate", strata, baselineSeries, history: await this.history(rule, baseline), baseline: { events: sum("baseline", "events"), exposure: sum("baseline", "exposure") }, candidate: { events: sum("candidate", "events"), exposure: sum("candidate", "exposure") } };
    }
    const toSamples = (m: Map<string, RequestWindow>) => new Map([...m].map(([r, w]) => [r, histogramSample(w.hist)]));
    const mix = standardizeToCandidateMix(toSamples(b), toSamples(c));
    return { kind: "distribution", baseline: mix.baseline, candidate: mix.candidate };
  }
}

const NO_CHANGE = { relative: null, absolute: null, ci_low: null, ci_high: null };

/** JSON has no Infinity: an unbounded change (errors where there were none) is stored as null with the reason saying so. */
const finite = (x: number) => (Number.isFinite(x) ? x : null);

function toCheck(signal: SignalRule, j: SignalJudgement, outage: string | undefined, confidence: number): Check {
  const common = { signal: signal.name, kind: signal.kind, critical: signal.critical, weight: signal.weight, no_data_policy: signal.no_data };
  const empty = { baseline: { value: null, n: 0 }, candidate: { value: null, n: 0 }, change: NO_CHANGE, p_value: null, q_value: null, method: null };
  if (j.kind === "error") {
    return { ...common, ...empty, status: "error", classification: "nodata", details: {}, reason: `The ${signal.name} check could not be computed (${j.message}); it counts as failed.` };
  }
  if (j.kind === "nodata" && outage !== undefined) {
    return { ...common, ...empty, status: "nodata", classification: "nodata", details: {}, reason: `The ${signal.name} check could not read its data: ${outage}; the rule says ${signal.no_data} when data is missing.` };
  }
  if (j.kind === "nodata") {
    return { ...common, ...empty, status: "nodata", classification: "nodata", details: j.details, reason: `Not enough data to judge ${signal.name}: ${j.why}. Rule for missing data: ${signal.no_data}.` };
  }
  const { stats } = j.analysis;
  const { status } = j.decision;
  let reason =
    signal.kind === "error_rate" ? explainErrorRate(stats, status, j.qValue)
    : signal.kind === "latency" ? explainLatency(stats, status, j.qValue, j.decision.driver, confidence)
    : explainMetric(signal.metric ?? signal.name, stats, status, j.qValue);
  if (j.decision.overLimit && signal.limit !== undefined) reason = explainLimit(reason, signal.limit, signal.kind);
  return {
    ...common, status, classification: j.decision.classification,
    baseline: { value: stats.baselineValue, n: stats.baselineN }, candidate: { value: stats.candidateValue, n: stats.candidateN },
    change: { relative: finite(stats.relativeChange), absolute: finite(stats.absoluteChange), ci_low: finite(stats.ciLow), ci_high: finite(stats.ciHigh) },
    p_value: stats.pValue, q_value: j.qValue, method: stats.method, reason, details: stats.details,
  };
}
