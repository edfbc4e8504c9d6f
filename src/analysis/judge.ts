import { analyzeDistribution } from "./classify-distribution.ts";
import { analyzeRate, analyzeStratifiedRate, type RateCounts, type RateHistory } from "./classify-rate.ts";
import type { Stratum } from "./stratified-rate.ts";
import { decide, type Decision } from "./decide.ts";
import { benjaminiHochberg } from "./effect-size.ts";
import type { WeightedSample } from "./mann-whitney.ts";
import { lowPowerReason } from "./low-power.ts";
import { scoreChecks, type ScoreResult } from "./score.ts";
import type { NoDataPolicy, SignalAnalysis, SignalSettings, SignalStats } from "./signal-result.ts";
import { analyzeSeries } from "./classify-series.ts";

/** What one signal brings to the judge: its settings and the paired baseline and candidate data, or why there is none. */
export interface SignalInput {
  name: string;
  settings: SignalSettings;
  weight: number;
  critical: boolean;
  noData: NoDataPolicy;
  data:
    | {
        kind: "rate";
        baseline: RateCounts;
        candidate: RateCounts;
        /** The baseline per interval (minute), when known: how much the rate wanders beyond Poisson noise. */
        baselineSeries?: RateCounts[];
        /** Counts per minute before the baseline: how far whole windows wander with no release (window-wander.ts). */
        history?: RateHistory;
        /** Per route, when the rule compares routes like with like (by_route). */
        strata?: Stratum[];
      }
    | { kind: "distribution"; baseline: WeightedSample; candidate: WeightedSample }
    /** One value per minute in time order (a `metric` gauge): judged with the minutes' autocorrelation. */
    | { kind: "series"; baseline: number[]; candidate: number[]; gapPoints?: number }
    | { kind: "error"; message: string }
    | { kind: "missing"; why: string };
}

export type SignalJudgement =
  | { name: string; kind: "ok"; analysis: Extract<SignalAnalysis, { kind: "ok" }>; qValue: number; decision: Decision }
  | { name: string; kind: "nodata"; why: string; details: Record<string, number> }
  | { name: string; kind: "error"; message: string };

export interface Judgement extends ScoreResult {
  signals: SignalJudgement[];
}

function analyze(input: SignalInput): SignalAnalysis | { kind: "error"; message: string } {
  const d = input.data;
  if (d.kind === "error") return d;
  if (d.kind === "missing") return { kind: "nodata", why: d.why, details: {} };
  if (d.kind === "rate") {
    return d.strata ? analyzeStratifiedRate(d.strata, input.settings, d.baselineSeries, d.history) : analyzeRate(d.baseline, d.candidate, input.settings, d.baselineSeries, d.history);
  }
  if (d.kind === "series") return analyzeSeries(d.baseline, d.candidate, input.settings, d.gapPoints);
  return analyzeDistribution(d.baseline, d.candidate, input.settings);
}

/** Runs one stage for one signal; whatever it throws becomes that signal's error with the reason, never judge()'s. */
function guarded<T>(stage: () => T): T | { kind: "error"; message: string } {
  try {
    return stage();
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
}

/** A quiet pass is only a pass if the window could have seen the effect; otherwise say how long to wait. */
function powerReason(input: SignalInput, stats: SignalStats): string | undefined {
  const d = input.data;
  if (d.kind === "rate") return lowPowerReason(stats, input.settings, { kind: "rate" });
  if (d.kind === "distribution") return lowPowerReason(stats, input.settings, { kind: "distribution", baseline: d.baseline });
  return undefined;
}

function judgeSignal(input: SignalInput, analysis: Extract<SignalAnalysis, { kind: "ok" }>, qValue: number): SignalJudgement {
  const { name } = input;
  const decision = decide(analysis.stats, qValue, input.settings);
  if (decision.status === "pass") {
    const why = powerReason(input, analysis.stats);
    if (why) return { name, kind: "nodata", why, details: { ...analysis.stats.details, lowPower: 1 } };
  }
  return { name, kind: "ok", analysis, qValue, decision };
}

/**
 * The pure core of a verdict, as Kayenta stages it: classify each signal, correct the p-values across signals
 * (Benjamini–Hochberg), decide each against its effect floor, then score and gate. No I/O: the same inputs always
 * give the same judgement, which is what backtests and the accuracy benchmark rely on.
 */
export function judge(inputs: readonly SignalInput[], thresholds: { pass: number; warn: number }): Judgement {
  const analyses = inputs.map((input) => guarded(() => analyze(input)));
  const tested = analyses.flatMap((a, i) => (a.kind === "ok" ? [{ i, p: a.stats.pValue }] : []));
  const q = benjaminiHochberg(tested.map((t) => t.p));
  const qOf = new Map(tested.map((t, k) => [t.i, q[k] ?? 1]));
  const signals: SignalJudgement[] = analyses.map((a, i) => {
    const name = inputs[i]!.name;
    if (a.kind === "error") return { name, kind: "error", message: a.message };
    if (a.kind === "nodata") return { name, kind: "nodata", why: a.why, details: a.details };
    const judged = guarded(() => judgeSignal(inputs[i]!, a, qOf.get(i) ?? a.stats.pValue));
    return judged.kind === "error" ? { name, kind: "error", message: judged.message } : judged;
  });
  const scored = scoreChecks(
    signals.map((s, i) => ({
      status: s.kind === "ok" ? s.decision.status : s.kind === "nodata" ? "nodata" : "error",
      weight: inputs[i]!.weight,
      critical: inputs[i]!.critical,
      noData: inputs[i]!.noData,
    })),
    thresholds,
  );
  return { ...scored, signals };
}
