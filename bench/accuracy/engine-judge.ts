/**
 * The engine under test: src/analysis/judge.ts, fed exactly as src/verdicts/evaluator.ts feeds it — settingsOf() for
 * every signal of the rule with the candidate window's minutes, error rate as counts plus the per-minute baseline series,
 * latency as the summed per-minute histograms — and run on the rule's interim schedule.
 */
import { judge, type Judgement, type SignalInput } from "../../src/analysis/judge.ts";
import type { WeightedSample } from "../../src/analysis/mann-whitney.ts";
import type { Rule } from "../../src/rules/rule-schema.ts";
import { emptyDense, histogramSample } from "../../src/telemetry/latency-histogram.ts";
import { settingsOf } from "../../src/verdicts/evaluator.ts";
import { runConsecutive, type Outcome } from "./interim-schedule.ts";
import type { SimulatedRelease, WindowPlan } from "./release-scenario.ts";
import { addMinute, rateSeries, sumWindow, type WindowTotals } from "./window-data.ts";
import type { RateCounts, RateHistory } from "../../src/analysis/classify-rate.ts";

export interface EngineResult {
  outcome: Outcome;
  /** The judgement that decided: the last check run. */
  judgement: Judgement;
  /** judge() calls made and the milliseconds they took. */
  calls: number;
  ms: number;
}

interface Baseline {
  totals: WindowTotals;
  sample: WeightedSample;
  series: RateCounts[];
  history: RateHistory;
}

export class EngineJudge {
  readonly label = "deploy-guard";

  constructor(private readonly rule: Rule, private readonly plan: WindowPlan) {
    const other = rule.signals.find((s) => s.kind !== "error_rate" && s.kind !== "latency");
    if (other) throw new Error(`the benchmark simulates request logs only; signal '${other.name}' is of kind ${other.kind}`);
  }

  run(release: SimulatedRelease): EngineResult {
    const { minutes, deployAt } = release;
    const totals = sumWindow(minutes, 0, deployAt);
    const baseline: Baseline = {
      totals, sample: histogramSample(totals.hist), series: rateSeries(minutes, 0, deployAt), history: { series: release.history, baselineMinutes: deployAt },
    };
    const candidate: WindowTotals = { requests: 0, errors: 0, hist: emptyDense() };
    let read = deployAt, calls = 0, ms = 0;
    const { outcome, last } = runConsecutive(this.plan, (t) => {
      while (read < deployAt + t) addMinute(candidate, minutes[read++]!);
      const inputs = this.inputs(baseline, candidate, t);
      const started = performance.now();
      const judgement = judge(inputs, this.rule.thresholds);
      ms += performance.now() - started;
      calls++;
      return { status: judgement.status, judgement };
    });
    return { outcome, judgement: last.judgement, calls, ms };
  }

  /** As Evaluator.fetch: settingsOf() plus the minutes the candidate window covers so far. */
  private inputs(baseline: Baseline, candidate: WindowTotals, candidateMinutes: number): SignalInput[] {
    return this.rule.signals.map((signal): SignalInput => {
      const settings = Object.assign(settingsOf(signal, this.rule.confidence), { candidateMinutes });
      const common = { name: signal.name, settings, weight: signal.weight, critical: signal.critical, noData: signal.no_data };
      if (signal.kind === "error_rate") {
        return {
          ...common,
          data: {
            kind: "rate",
            baseline: { events: baseline.totals.errors, exposure: baseline.totals.requests },
            candidate: { events: candidate.errors, exposure: candidate.requests },
            baselineSeries: baseline.series,
            history: baseline.history,
          },
        };
      }
      return { ...common, data: { kind: "distribution", baseline: baseline.sample, candidate: histogramSample(candidate.hist) } };
    });
  }
}
