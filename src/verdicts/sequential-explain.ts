import type { ReleaseStanding } from "../analysis/sequential/release-verdict.ts";
import type { DesignKind, SequentialResult } from "../analysis/sequential/sequential-types.ts";
import type { SignalRule } from "../rules/rule-schema.ts";
import type { Check } from "./verdict.ts";

const MINUTE = 60_000;
const pct = (x: number) => `${(x * 100).toFixed(x !== 0 && Math.abs(x) < 0.001 ? 3 : x < 0.1 ? 2 : 1)} %`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x >= 100 ? Math.round(x) : x.toFixed(1)} ms`);
const count = (n: number) => Math.round(n).toLocaleString("en-US");
const times = (r: number) => `×${r >= 10 ? Math.round(r) : r.toFixed(r >= 1.995 ? 1 : 2)}`;
const level = (l: number) => `${Math.round(l * 100)} %`;
const hhmm = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC`;
const finite = (x: number) => (Number.isFinite(x) ? x : null);

const AGAINST: Record<DesignKind, string> = {
  concurrent: "the hosts or version not yet updated, over the same minutes",
  forecast: "what the service's own history forecast for these minutes",
  before_deploy: "the hour before the deploy (under a day of history: low assurance)",
  reference: "the reference window",
};

/**
 * "a rise this large appears in 3 of 130 windows of this service with no release", when history supports it: the A/A
 * frequency (k + 1) / (m + 1) read back into its counts, so a rise never seen is said to be never seen.
 */
function frequency(r: SequentialResult): string {
  const f = r.historyFrequency, m = r.stats.details.aaWindows;
  if (f === undefined || m === undefined || !(r.stats.relativeChange > 0)) return "";
  const k = Math.max(0, Math.round(f * (m + 1) - 1));
  if (k === 0) return ` None of the ${count(m)} half-hour windows of this service's history with no release rose this much.`;
  return ` A rise this large appears in ${count(k)} of ${count(m)} half-hour windows of this service's history with no release (about 1 in ${count(Math.max(1, m / k))}).`;
}

function interval(r: SequentialResult): string {
  const { ciLow, ciHigh } = r.stats;
  if (!Number.isFinite(ciLow) || !Number.isFinite(ciHigh)) return "";
  return ` (${level(r.intervalLevel)} interval ${times(1 + ciLow)} to ${times(1 + ciHigh)})`;
}

function errorSentence(r: SequentialResult, budget = false): string {
  const s = r.stats, d = s.details;
  const where = r.pooledWith ? `, here and in ${r.pooledWith.join(", ")} together` : "";
  const after = `${pct(s.candidateValue)} of requests failed in the ${r.minutesUsed} minutes after the release${where} (${count(d.candidateEvents ?? s.candidateValue * s.candidateN)} of ${count(s.candidateN)})`;
  const against = budget ? `against the ${pct(s.baselineValue)} the rule's error budget allows (${r.designReason})` : `against ${pct(s.baselineValue)} expected from ${AGAINST[r.design]}`;
  const ratio = 1 + s.relativeChange;
  switch (r.status) {
    case "fail":
    case "warn":
      return `${cap(after)}, ${against}: ${times(ratio)}${interval(r)}.${frequency(r)}`;
    case "pass": {
      const bound = Number.isFinite(s.ciHigh) ? `; no rise larger than ${times(1 + s.ciHigh)} (${level(r.intervalLevel)} bound)` : "";
      return `${cap(after)}, ${against}${bound}.`;
    }
    default:
      return `${cap(after)}, ${against}.`;
  }
}

function latencySentence(r: SequentialResult): string {
  const s = r.stats, d = s.details;
  const p95 = d.baselineP95 !== undefined && d.candidateP95 !== undefined
    ? `the slowest 5 % took ${ms(d.candidateP95)} or more in the ${r.minutesUsed} minutes after the release against ${ms(d.baselineP95)} before (${times(d.candidateP95 / d.baselineP95)})` : "";
  const typical = Number.isFinite(s.candidateValue) ? `typical requests took ${ms(s.candidateValue)} against ${ms(s.baselineValue)}${interval(r)}` : "";
  const parts = [p95, typical].filter((x) => x !== "").join("; ");
  if (r.status === "fail" || r.status === "warn") return `Requests became slower: ${parts}.`;
  return `${cap(parts)}.`;
}

/** One sequential signal's result as the check the API and the dashboard show, its sentence a true reading of the numbers. */
export function explainSequential(signal: SignalRule, r: SequentialResult, analysisStart: number): Check {
  const s = r.stats;
  const numbers = s.candidateN === 0 ? `No ${signal.kind === "latency" ? "response times" : "requests"} in the ${r.minutesUsed} minutes after the deploy.`
    : Number.isFinite(s.baselineValue) ? (signal.kind === "latency" ? latencySentence(r) : errorSentence(r, signal.kind === "error_budget")) : "";
  const pending = r.status === "continue"
    ? ` Not decided yet: ${r.why ?? "the evidence is not decisive"}; next look at ${hhmm(analysisStart + (r.nextLookMinutes ?? r.minutesUsed) * MINUTE)}, a decision by ${hhmm(analysisStart + r.maxMinutes * MINUTE)} at the latest.`
    : r.status === "hold" ? ` Undecided at the longest window this rule allows: ${r.why ?? "the evidence stayed inside the normal wander"}.`
    : r.status === "nodata" ? ` Not enough data: ${r.why ?? "no traffic"}.` : "";
  const assurance = r.lowAssurance ? " Low assurance: the service has little history to compare with." : "";
  const status = r.status === "continue" || r.status === "hold" ? "nodata" : r.status;
  return {
    signal: signal.name, kind: signal.kind, status, classification: status === "fail" || status === "warn" ? "high" : status === "pass" ? "pass" : "nodata",
    critical: signal.critical, weight: signal.weight, no_data_policy: signal.no_data,
    baseline: { value: finite(s.baselineValue), n: s.baselineN }, candidate: { value: finite(s.candidateValue), n: s.candidateN },
    change: { relative: finite(s.relativeChange), absolute: finite(s.absoluteChange), ci_low: finite(s.ciLow), ci_high: finite(s.ciHigh) },
    p_value: finite(s.pValue), q_value: null, method: s.method,
    reason: `${numbers}${pending}${assurance}`.trim(),
    details: Object.fromEntries(Object.entries(s.details).filter(([, v]) => Number.isFinite(v))),
    sequential: {
      status: r.status, design: r.design, design_reason: r.designReason, low_assurance: r.lowAssurance, minutes_used: r.minutesUsed,
      max_minutes: r.maxMinutes, interval_level: r.intervalLevel, history_frequency: r.historyFrequency ?? null,
      ...(r.pooledWith ? { pooled_with: r.pooledWith } : {}),
    },
  };
}

const WORDS: Record<string, string> = { error_rate: "errors", latency: "response times", error_budget: "the error budget", new_errors: "new kinds of error" };

/** One sentence for a person who is not an engineer. */
export function summarizeSequential(target: string, standing: ReleaseStanding, checks: readonly Check[], analysisStart: number): string {
  const first = (c: Check | undefined) => (c ? lower(c.reason.split(/(?<=\.)\s/)[0]!.replace(/\.$/, "")) : "");
  switch (standing.status) {
    case "analyzing":
      return `${target} is being checked: no decision yet after ${standing.decidedAtMinutes} minutes of traffic; expected by ${hhmm(analysisStart + (standing.decideByMinutes ?? 0) * MINUTE)} at the latest.`;
    case "fail":
      return `${target} is not healthy and should be rolled back: ${first(checks.find((c) => c.status === "fail" || c.status === "error"))}.`;
    case "warn":
      return `${target} can go on, but keep an eye on it: ${first(checks.find((c) => c.status === "warn") ?? checks[0])}.`;
    case "hold": {
      const open = checks.find((c) => c.sequential?.status === "hold" || c.status === "nodata");
      return `${target} could not be judged${open ? `: ${first(open)}` : ""}. A person should decide.`;
    }
    case "pass": {
      const what = checks.map((c) => WORDS[c.kind] ?? c.signal).join(" and ");
      return `${target} looks healthy: no change in ${what} beyond what the rule allows, after ${standing.decidedAtMinutes} minutes.`;
    }
  }
}

const cap = (s: string) => (s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s);
const lower = (s: string) => (s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s);
