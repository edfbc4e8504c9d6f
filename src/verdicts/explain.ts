import type { SignalStats } from "../analysis/signal-result.ts";
import type { Check } from "./verdict.ts";

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(x !== 0 && Math.abs(x) < 0.001 ? 3 : digits)} %`;
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x >= 100 ? Math.round(x) : x.toFixed(1)} ms`);
const count = (n: number) => Math.round(n).toLocaleString("en-US");
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x * 100))} %`;

/**
 * The p-value as what it is: how often data this extreme would arise with no real change. Not "x % sure this is not
 * chance", which reads a p-value as the probability that the finding is chance (issue 11).
 */
export function certainty(q: number): string {
  if (q < 0.0001) return "a change this large would arise by chance in under 1 in 10,000 unchanged windows";
  return `a change this large would arise by chance in about 1 in ${Math.max(1, Math.round(1 / Math.max(q, 1e-12))).toLocaleString("en-US")} unchanged windows`;
}

function times(ratio: number): string {
  if (!Number.isFinite(ratio)) return "where there were none before";
  if (ratio >= 1.95) return `about ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)} times as many`;
  return `${signed(ratio - 1)}`;
}

export function explainErrorRate(stats: SignalStats, status: Check["status"], q: number): string {
  const d = stats.details;
  const before = `${pct(stats.baselineValue)} before (${count(d.baselineEvents ?? 0)} of ${count(stats.baselineN)})`;
  const after = `${pct(stats.candidateValue)} of requests failed after the release (${count(d.candidateEvents ?? 0)} of ${count(stats.candidateN)})`;
  if (status === "pass" && Math.abs(stats.relativeChange) < 0.1) return `Errors stayed level: ${after}, against ${before}.`;
  const change = times(stats.relativeChange + 1);
  if (status === "pass") return `${after[0]!.toUpperCase()}${after.slice(1)}, against ${before} (${change}); too small or too uncertain to matter.`;
  return `${after[0]!.toUpperCase()}${after.slice(1)}, against ${before}: ${change}; ${certainty(q)}.`;
}

export function explainLatency(stats: SignalStats, status: Check["status"], q: number, driver: "shift" | "tail" = "shift", confidence = 0.95): string {
  const d = stats.details;
  if (driver === "tail" && stats.tail) {
    return `The slowest requests got slower: the slowest 5 % took ${ms(d.candidateP95 ?? NaN)} after the release against ${ms(d.baselineP95 ?? NaN)} before (${signed(stats.tail.relativeChange)}), while typical requests took ${ms(stats.candidateValue)} against ${ms(stats.baselineValue)}; ${certainty(q)}.`;
  }
  const typical = `typical response time ${ms(stats.candidateValue)} after the release against ${ms(stats.baselineValue)} before`;
  // One-sided intervals are open at one end: "+39 % or more", not "+39 % to +Infinity %".
  const range = !Number.isFinite(stats.ciHigh) ? `${signed(stats.ciLow)} or more`
    : !Number.isFinite(stats.ciLow) ? `${signed(stats.ciHigh)} or less` : `${signed(stats.ciLow)} to ${signed(stats.ciHigh)}`;
  // The interval is at the rule's confidence, one-sided in the bad direction: say so, not "95 % range".
  const oneSided = !Number.isFinite(stats.ciHigh) || !Number.isFinite(stats.ciLow);
  const shift = `${signed(stats.relativeChange)} (${Math.round(confidence * 1000) / 10} % ${oneSided ? "bound" : "interval"}: ${range})`;
  const tail = `the slowest 5 % took ${ms(d.candidateP95 ?? NaN)} against ${ms(d.baselineP95 ?? NaN)}`;
  if (status === "pass") return `Response times held: ${typical}, ${tail}.`;
  const word = stats.relativeChange >= 0 ? "Requests became slower" : "Requests became faster";
  return `${word}: ${typical}, ${shift}; ${tail}; ${certainty(q)}.`;
}

export function explainMetric(name: string, stats: SignalStats, status: Check["status"], q: number): string {
  const v = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
  const base = `${name} was typically ${v(stats.candidateValue)} after the release against ${v(stats.baselineValue)} before`;
  if (status === "pass") return `${base[0]!.toUpperCase()}${base.slice(1)}: no change that matters.`;
  return `${base[0]!.toUpperCase()}${base.slice(1)} (${signed(stats.relativeChange)}); ${certainty(q)}.`;
}

export function explainLimit(reason: string, limit: number, kind: string): string {
  const shown = kind === "error_rate" ? pct(limit) : kind === "latency" ? ms(limit) : String(limit);
  return `${reason} This is past the rule's hard limit of ${shown}.`;
}

const WORDS: Record<string, string> = { error_rate: "errors", latency: "response times" };

/** One sentence a non-engineer can act on, with the numbers of the worst finding. */
export function summarize(target: string, status: string, checks: readonly Check[], final: boolean): string {
  const bad = checks.filter((c) => c.status === "fail" || c.status === "error");
  const warned = checks.filter((c) => c.status === "warn");
  const missing = checks.filter((c) => c.status === "nodata");
  const first = (list: readonly Check[]) => list[0]!.reason.replace(/\.$/, "");
  switch (status) {
    case "fail":
      if (bad.length > 0) return `${target} is not healthy and should be rolled back: ${lower(first(bad))}.`;
      return `${target} is not healthy and should be rolled back: ${lower(first(missing.length > 0 ? missing : checks))}.`;
    case "warn":
      return `${target} can go on, but keep an eye on it: ${lower(first(warned.length > 0 ? warned : checks))}.`;
    case "hold":
      return missing.length > 0
        ? `${target} cannot be judged yet: ${lower(first(missing))}. A person should decide, or wait for more traffic.`
        : `${target} cannot be judged yet.`;
    case "pass": {
      const what = checks.map((c) => WORDS[c.kind] ?? c.signal).join(" and ");
      return `${target} looks healthy${final ? "" : " so far"}: ${what} are as before.`;
    }
    default:
      return `${target} is being watched: ${final ? "" : "the analysis window is still open"}.`;
  }
}

const lower = (s: string) => (s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s);
