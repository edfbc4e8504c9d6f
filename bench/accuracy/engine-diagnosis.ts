/** Why the engine's deciding judgement came out as it did, in a few fixed words, so misses can be counted by cause. */
import type { Judgement, SignalJudgement } from "../../src/analysis/judge.ts";
import type { Rule } from "../../src/rules/rule-schema.ts";

export function signalReason(s: SignalJudgement, rule: Rule): string {
  if (s.kind === "nodata") return s.details.lowPower ? "too little traffic to tell (low power)" : "no data";
  if (s.kind === "error") return "error";
  if (s.decision.status === "fail") return s.decision.overLimit ? "fail (over limit)" : "fail";
  if (!s.decision.significant) return "not significant";
  const floor = rule.signals.find((r) => r.name === s.name)!.fail;
  const { relativeChange, absoluteChange } = s.analysis.stats;
  const rel = relativeChange < floor.relative, abs = absoluteChange < floor.absolute;
  if (rel && abs) return "significant, below both floors";
  if (rel) return "significant, below the relative floor";
  if (abs) return "significant, below the absolute floor";
  return s.decision.status;
}

/** The failing signals of a failed judgement, e.g. "failed on error_rate". */
export function failingSignals(j: Judgement): string {
  const names = j.signals.filter((s) => s.kind === "error" || (s.kind === "ok" && s.decision.status === "fail")).map((s) => s.name);
  if (names.length > 0) return `failed on ${names.join(" + ")}`;
  const statuses = j.signals.map((s) => `${s.name} ${s.kind === "ok" ? s.decision.status : s.kind}`).join(", ");
  return `failed by the score ${j.score ?? "–"} with no signal failing (${statuses})`;
}

export function signalNamed(j: Judgement, kind: "error_rate" | "latency", rule: Rule): SignalJudgement | undefined {
  const name = rule.signals.find((s) => s.kind === kind)?.name;
  return j.signals.find((s) => s.name === name);
}

/** What a held judgement says about waiting: the longest "need about N more minutes", or that there is no traffic. */
export function holdWait(j: Judgement): number | "no traffic" | undefined {
  const whys = j.signals.flatMap((s) => (s.kind === "nodata" ? [s.why] : []));
  const asked = whys.flatMap((why) => {
    const m = /need about (\d+) more minutes/.exec(why);
    return m ? [Number(m[1])] : [];
  });
  if (asked.length > 0) return Math.max(...asked);
  return whys.some((why) => why.includes("no traffic to wait for")) ? "no traffic" : undefined;
}
