/**
 * The engine under test: the sequential verdict engine (src/analysis/sequential), fed as the evaluator feeds it
 * (src/verdicts/sequential-evidence.ts): per-minute counts of the days before the deploy and of the candidate minutes,
 * per group for a canary (the last day of each group's history), exceedances beyond the pre-deploy p95 for latency with
 * the candidate's per-minute histograms, and the release verdict from combineSequential.
 */
import type { Rule } from "../../src/rules/rule-schema.ts";
import { exceedances, thresholdMs } from "../../src/analysis/sequential/latency-evidence.ts";
import { fitLatencyBaseline } from "../../src/analysis/sequential/latency-baseline.ts";
import { judgeLatencySequential, type LatencyEvidence } from "../../src/analysis/sequential/latency-sequential.ts";
import { ERROR_PLAN, LATENCY_PLAN } from "../../src/analysis/sequential/look-plan.ts";
import { fitRateBaseline, judgeRateSequential } from "../../src/analysis/sequential/rate-sequential.ts";
import { combineSequential, type SignalStanding } from "../../src/analysis/sequential/release-verdict.ts";
import type { MinuteCounts, RateEvidence, SequentialResult, SequentialSettings } from "../../src/analysis/sequential/sequential-types.ts";
import { BUCKETS, emptyDense } from "../../src/telemetry/latency-histogram.ts";
import { sequentialSettings, signalAlpha } from "../../src/verdicts/sequential-settings.ts";
import { LATENCY_HISTORY_DAYS } from "./traffic-generator.ts";
import type { Outcome } from "./interim-schedule.ts";
import type { SimulatedRelease } from "./release-scenario.ts";

const MINUTE = 60_000;
/** The evaluator reads one day of per-group history for a concurrent comparison, and one day of exceedances. */
const DAY = 1440;

export interface EngineResult {
  outcome: Outcome;
  maxMinutes: number;
  /** Per signal: its result, for the report's "why". */
  signals: { name: string; result: SequentialResult }[];
  calls: number;
  ms: number;
}

type Group = 0 | 1 | "all";

/** History (days before the baseline, then the baseline hour) and window minutes of one group, as MinuteCounts. */
function counts(r: SimulatedRelease, group: Group, from: number, to: number, pick: "errors" | "exceed"): MinuteCounts[] {
  const hm = r.history.minutes, out: MinuteCounts[] = [];
  for (let t = from; t < to; t++) {
    if (t < hm) {
      const at = (g: 0 | 1) => ({ n: r.history.requests[2 * t + g]!, e: (pick === "errors" ? r.history.errors : r.history.exceed)[2 * t + g]! });
      const a = group === "all" ? [at(0), at(1)] : [at(group)];
      out.push({ events: a.reduce((s, x) => s + x.e, 0), exposure: a.reduce((s, x) => s + x.n, 0) });
      continue;
    }
    const m = r.minutes[t - hm]!;
    if (pick === "errors") {
      out.push(group === "all" ? { events: m.errors, exposure: m.requests } : { events: m.groupErrors[group], exposure: m.groupRequests[group] });
    } else {
      out.push(exceedances(group === "all" ? m.hist : m.groupHist[group], r.thresholdBucket));
    }
  }
  return out;
}

/** The evidence of one signal: errors, or exceedances beyond the pre-deploy p95 (latency). */
export function rateEvidence(r: SimulatedRelease, pick: "errors" | "exceed", windowMinutes: number, historyDays?: number): RateEvidence {
  const hm = r.history.minutes, deploy = hm + r.deployAt;
  const from = historyDays === undefined ? 0 : Math.max(0, deploy - historyDays * DAY);
  const canary = r.treatedShare < 1;
  // As the evaluator (sequential-evidence.ts#rateHistory): named updated hosts are forecast from their own history.
  const own = canary && !r.ephemeral;
  const evidence: RateEvidence = {
    history: counts(r, own ? 1 : "all", from, deploy, pick), historyStart: r.historyStart + from * MINUTE,
    candidate: counts(r, canary ? 1 : "all", deploy, deploy + windowMinutes, pick), candidateStart: r.historyStart + deploy * MINUTE,
  };
  if (canary) {
    const day = Math.max(0, deploy - DAY);
    // Fresh pods have no history of their own: the groups are exchangeable by construction.
    evidence.concurrent = {
      control: counts(r, 0, deploy, deploy + windowMinutes, pick),
      candidateHistory: own ? counts(r, 1, day, deploy, pick) : [],
      controlHistory: own ? counts(r, 0, day, deploy, pick) : [],
      // As the evaluator: a new version with no history of its own stands against the old one as alike (ρ = 1).
      exchangeable: !own,
    };
  }
  return evidence;
}

/** What the evaluator fits the baseline on: the history, with no candidate or control minutes yet. */
export function historyOnly(e: RateEvidence): Omit<RateEvidence, "candidate"> {
  const { candidate: _candidate, ...rest } = e;
  return e.concurrent ? { ...rest, concurrent: { ...e.concurrent, control: [] } } : rest;
}

export class SequentialEngineJudge {
  readonly label = "deploy-guard (sequential)";
  private readonly alpha: number;

  constructor(private readonly rule: Rule) {
    const other = rule.signals.find((s) => s.kind !== "error_rate" && s.kind !== "latency");
    if (other) throw new Error(`the benchmark simulates request logs only; signal '${other.name}' is of kind ${other.kind}`);
    this.alpha = signalAlpha(rule, rule.signals);
  }

  run(release: SimulatedRelease): EngineResult {
    let ms = 0, calls = 0;
    const signals = this.rule.signals.map((signal) => {
      const settings = sequentialSettings(this.rule, signal, this.alpha);
      const started = performance.now();
      const result = signal.kind === "latency" ? this.latency(release, settings) : this.errors(release, settings);
      ms += performance.now() - started;
      calls++;
      return { name: signal.name, signal, result };
    });
    const standings: SignalStanding[] = signals.map(({ signal, result }) => ({
      status: result.status, minutesUsed: result.minutesUsed, maxMinutes: result.maxMinutes, nextLookMinutes: result.nextLookMinutes,
      critical: signal.critical, weight: signal.weight, noData: signal.no_data,
    }));
    const verdict = combineSequential(standings, this.rule.thresholds);
    if (verdict.status === "analyzing") throw new Error("the benchmark gives every signal its whole maximum window: no release may still be analyzing");
    return {
      outcome: { status: verdict.status, decidedAt: verdict.decidedAtMinutes },
      maxMinutes: Math.max(...signals.map((s) => s.result.maxMinutes)),
      signals: signals.map(({ name, result }) => ({ name, result })),
      calls, ms,
    };
  }

  private errors(r: SimulatedRelease, settings: SequentialSettings): SequentialResult {
    const evidence = rateEvidence(r, "errors", ERROR_PLAN.maxMaxMinutes);
    return judgeRateSequential(fitRateBaseline(historyOnly(evidence), settings), evidence, settings);
  }

  private latency(r: SimulatedRelease, settings: SequentialSettings): SequentialResult {
    const evidence = latencyEvidence(r);
    return judgeLatencySequential(fitLatencyBaseline(historyOnly(evidence.exceed), settings), evidence, settings);
  }
}

/** The latency signal's evidence: 3 days of exceedances, the baseline hour's histogram and the candidate's minutes. */
export function latencyEvidence(r: SimulatedRelease): LatencyEvidence {
  const window = LATENCY_PLAN.maxMaxMinutes, deploy = r.deployAt;
  const group = r.treatedShare < 1 ? 1 : null;
  // As the evaluator (sequential-evidence.ts#latencyHosts): named updated hosts against their own history and hour
  // before; fresh pods (a version comparison, no hosts named) against the whole service before the deploy.
  const own = group !== null && !r.ephemeral;
  const exceed = rateEvidence(r, "exceed", window, LATENCY_HISTORY_DAYS);
  delete exceed.concurrent;
  const baseline = emptyDense();
  for (let i = 0; i < deploy; i++) (own ? r.minutes[i]!.groupHist[1] : r.minutes[i]!.hist).forEach((c, b) => (baseline[b]! += c));
  const candidateMinutes = r.minutes.slice(deploy, deploy + window).map((m) => (group === null ? m.hist : m.groupHist[group]));
  return { exceed, thresholdMs: thresholdMs(r.thresholdBucket, BUCKETS), baseline, candidateMinutes };
}
