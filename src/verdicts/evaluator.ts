import { analyzeDistribution, rawSample } from "../analysis/classify-distribution.ts";
import { analyzeRate } from "../analysis/classify-rate.ts";
import { decide } from "../analysis/decide.ts";
import { benjaminiHochberg } from "../analysis/effect-size.ts";
import { scoreChecks } from "../analysis/score.ts";
import type { SignalAnalysis, SignalSettings } from "../analysis/signal-result.ts";
import type { Rule, SignalRule } from "../rules/rule-schema.ts";
import type { BuiltinSource } from "../sources/builtin-source.ts";
import { histogramSample } from "../telemetry/latency-histogram.ts";
import type { RequestWindow, WindowQuery } from "../telemetry/window-reader.ts";
import { explainErrorRate, explainLatency, explainLimit, explainMetric, summarize } from "./explain.ts";
import type { ReleaseWindows } from "./release-windows.ts";
import type { Check, Verdict } from "./verdict.ts";

export interface EvaluationInput {
  service: string;
  environment: string;
  version: string;
  rule: Rule;
  windows: ReleaseWindows;
  /** The end of the candidate window actually used: the window's end, or now for an interim check. */
  candidateEnd: number;
  final: boolean;
  now: number;
}

const settingsOf = (s: SignalRule, confidence: number): SignalSettings => ({
  direction: s.direction, fail: s.fail, warn: s.warn, limit: s.limit, minSamples: s.min_samples, confidence,
});

/** Signals of one evaluation that read the same window (error rate and latency do) read it once. */
class WindowCache {
  private readonly cache = new Map<string, RequestWindow>();

  constructor(private readonly source: BuiltinSource) {}

  requests(q: WindowQuery): RequestWindow {
    const key = JSON.stringify(q);
    let w = this.cache.get(key);
    if (!w) this.cache.set(key, (w = this.source.requests(q)));
    return w;
  }
}

const routeLike = (glob: string | undefined) => (glob === undefined ? undefined : glob.replaceAll("%", "\\%").replaceAll("*", "%"));

/** window → fetch → analyse → correct (Benjamini–Hochberg) → decide → score → explain. */
export class Evaluator {
  constructor(private readonly builtin: BuiltinSource) {}

  evaluate(input: EvaluationInput): Verdict {
    const { rule, windows } = input;
    const base: Omit<WindowQuery, "start" | "end"> = { service: input.service, environment: input.environment };
    const reads = new WindowCache(this.builtin);
    const analyses = rule.signals.map((signal) => this.analyze(reads, signal, rule.confidence, {
      baseline: { ...base, start: windows.baselineStart, end: windows.baselineEnd, routeLike: routeLike(signal.route) },
      candidate: { ...base, start: windows.analysisStart, end: input.candidateEnd, routeLike: routeLike(signal.route) },
    }));
    const tested = analyses.flatMap((a, i) => (a.kind === "ok" ? [{ i, p: a.stats.pValue }] : []));
    const q = benjaminiHochberg(tested.map((t) => t.p));
    const qOf = new Map(tested.map((t, k) => [t.i, q[k] ?? 1]));
    const checks = rule.signals.map((signal, i) => this.check(signal, analyses[i]!, qOf.get(i) ?? null, rule.confidence));
    const scored = scoreChecks(checks.map((c) => ({ status: c.status, weight: c.weight, critical: c.critical, noData: c.no_data_policy })), rule.thresholds);
    const target = `${input.service} ${input.version} in ${input.environment}`;
    const iso = (t: number) => new Date(t).toISOString();
    return {
      status: scored.status,
      score: scored.score,
      summary: summarize(target, scored.status, checks, input.final),
      checks,
      rule: rule.name,
      final: input.final,
      windows: {
        baseline: { start: iso(windows.baselineStart), end: iso(windows.baselineEnd) },
        analysis: { start: iso(windows.analysisStart), end: iso(input.candidateEnd) },
      },
      evaluated_at: iso(input.now),
    };
  }

  private analyze(reads: WindowCache, signal: SignalRule, confidence: number, q: { baseline: WindowQuery; candidate: WindowQuery }): SignalAnalysis | { kind: "error"; message: string } {
    const s = settingsOf(signal, confidence);
    try {
      switch (signal.kind) {
        case "error_rate": {
          const b = reads.requests(q.baseline), c = reads.requests(q.candidate);
          return analyzeRate({ events: b.errors, exposure: b.requests }, { events: c.errors, exposure: c.requests }, s);
        }
        case "latency": {
          const b = reads.requests(q.baseline), c = reads.requests(q.candidate);
          return analyzeDistribution(histogramSample(b.hist), histogramSample(c.hist), s);
        }
        case "metric": {
          const b = this.builtin.metric(signal.metric!, q.baseline), c = this.builtin.metric(signal.metric!, q.candidate);
          return analyzeDistribution(rawSample(b.points), rawSample(c.points), s);
        }
      }
    } catch (err) {
      return { kind: "error", message: (err as Error).message };
    }
  }

  private check(signal: SignalRule, a: SignalAnalysis | { kind: "error"; message: string }, q: number | null, confidence: number): Check {
    const common = { signal: signal.name, kind: signal.kind, critical: signal.critical, weight: signal.weight, no_data_policy: signal.no_data };
    if (a.kind === "error") {
      return {
        ...common, status: "error", classification: "nodata", baseline: { value: null, n: 0 }, candidate: { value: null, n: 0 },
        change: { relative: null, absolute: null, ci_low: null, ci_high: null }, p_value: null, q_value: null, method: null,
        reason: `The ${signal.name} check could not be computed (${a.message}); it counts as failed.`, details: {},
      };
    }
    if (a.kind === "nodata") {
      return {
        ...common, status: "nodata", classification: "nodata", baseline: { value: null, n: 0 }, candidate: { value: null, n: 0 },
        change: { relative: null, absolute: null, ci_low: null, ci_high: null }, p_value: null, q_value: null, method: null,
        reason: `Not enough data to judge ${signal.name}: ${a.why}. Rule for missing data: ${signal.no_data}.`, details: a.details,
      };
    }
    const { stats } = a;
    const qValue = q ?? stats.pValue;
    const d = decide(stats, qValue, settingsOf(signal, confidence));
    let reason =
      signal.kind === "error_rate" ? explainErrorRate(stats, d.status, qValue)
      : signal.kind === "latency" ? explainLatency(stats, d.status, qValue)
      : explainMetric(signal.metric ?? signal.name, stats, d.status, qValue);
    if (d.overLimit && signal.limit !== undefined) reason = explainLimit(reason, signal.limit, signal.kind);
    return {
      ...common, status: d.status, classification: d.classification,
      baseline: { value: stats.baselineValue, n: stats.baselineN }, candidate: { value: stats.candidateValue, n: stats.candidateN },
      change: { relative: finite(stats.relativeChange), absolute: finite(stats.absoluteChange), ci_low: finite(stats.ciLow), ci_high: finite(stats.ciHigh) },
      p_value: stats.pValue, q_value: qValue, method: stats.method, reason, details: stats.details,
    };
  }
}

/** JSON has no Infinity: an unbounded change (errors where there were none) is stored as null with the reason saying so. */
const finite = (x: number) => (Number.isFinite(x) ? x : null);
