import { analyzeDistribution } from "./classify-distribution.ts";
import { analyzeRate, analyzeStratifiedRate, type RateCounts, type RateHistory } from "./classify-rate.ts";
import type { Stratum } from "./stratified-rate.ts";
import { decide, type Decision } from "./decide.ts";
import { benjaminiHochberg } from "./effect-size.ts";
import type { WeightedSample } from "./mann-whitney.ts";
import { lowPowerReason } from "./low-power.ts";
import { scoreChecks, type ScoreResult } from "./score.ts";
import type { NoDataPolicy, SignalAnalysis, SignalSettings } from "./signal-result.ts";

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
  try {
    if (d.kind === "error") return d;
    if (d.kind === "missing") return { kind: "nodata", why: d.why, details: {} };
    if (d.kind === "rate") return d.strata ? analyzeStratifiedRate(d.strata, input.settings) : analyzeRate(d.baseline, d.candidate, input.settings, d.baselineSeries, d.history);
    return analyzeDistribution(d.baseline, d.candidate, input.settings);
  } catch (err) {
    // A signal whose analysis throws counts as an error (a failing check), never silently drops out of the score.
    return { kind: "error", message: (err as Error).message };
  }
}

/**
 * The pure core of a verdict, as Kayenta stages it: classify each signal, correct the p-values across signals
 * (Benjamini–Hochberg), decide each against its effect floor, then score and gate. No I/O: the same inputs always
 * give the same judgement, which is what backtests and the accuracy benchmark rely on.
 */
export function judge(inputs: readonly SignalInput[], thresholds: { pass: number; warn: number }): Judgement {
  const analyses = inputs.map(analyze);
  const tested = analyses.flatMap((a, i) => (a.kind === "ok" ? [{ i, p: a.stats.pValue }] : []));
  const q = benjaminiHochberg(tested.map((t) => t.p));
  const qOf = new Map(tested.map((t, k) => [t.i, q[k] ?? 1]));
  const signals: SignalJudgement[] = analyses.map((a, i) => {
    const name = inputs[i]!.name;
    if (a.kind === "error") return { name, kind: "error", message: a.message };
    if (a.kind === "nodata") return { name, kind: "nodata", why: a.why, details: a.details };
    const qValue = qOf.get(i) ?? a.stats.pValue;
    const decision = decide(a.stats, qValue, inputs[i]!.settings);
    if (decision.status === "pass") {
      // A quiet pass is only a pass if the window could have seen the effect; otherwise say how long to wait.
      const d = inputs[i]!.data;
      const why = d.kind === "rate" ? lowPowerReason(a.stats, inputs[i]!.settings, { kind: "rate" })
        : d.kind === "distribution" ? lowPowerReason(a.stats, inputs[i]!.settings, { kind: "distribution", baseline: d.baseline })
        : undefined;
      if (why) return { name, kind: "nodata", why, details: { ...a.stats.details, lowPower: 1 } };
    }
    return { name, kind: "ok", analysis: a, qValue, decision };
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
