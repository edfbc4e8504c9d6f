import type { DecisionView } from "../decisions/decision-overlay.ts";
import type { ReleaseStatus } from "../store/schema/index.ts";
import type { Check } from "../verdicts/verdict.ts";
import { localTime, millis, percent } from "./format.ts";
import type { Lang, MessageKey, Translate } from "./i18n/i18n.ts";
import type { LightState } from "./status-light.tsx";

/** The structured facts a release's light and sentence are built from; never the engine's English summary. */
export interface ReleaseFacts {
  /** The gate's status, an operator's decision included. */
  status: ReleaseStatus;
  /** What the checks themselves said. */
  engineStatus: ReleaseStatus;
  checks: readonly Check[];
  decision: DecisionView | null;
  /** While being checked: when a decision is due at the latest (epoch ms). */
  decideBy: number | null;
  /** A rollback deploy-guard ran has succeeded. */
  rolledBack: boolean;
}

/** How the viewer reads times: their zone and language. */
export interface Reader {
  t: Translate;
  lang: Lang;
  zone: string;
}

const counts = (c: Check) => !c.skipped && !c.observe;

/**
 * The checks that already look worse while the release is still being checked: a signal that crossed its fail or warn
 * boundary, or one still open whose interim interval lies wholly above no change (the rise is there, its size is not
 * yet confirmed).
 */
export function worseSoFar(f: Pick<ReleaseFacts, "status" | "checks">): Check[] {
  if (f.status !== "analyzing") return [];
  return f.checks.filter((c) => counts(c) && (c.status === "fail" || c.status === "warn"
    || (c.sequential?.status === "continue" && c.change.ci_low !== null && c.change.ci_low > 0)));
}

export function lightOf(f: Pick<ReleaseFacts, "status" | "checks">): LightState {
  return worseSoFar(f).length > 0 ? "worsening" : f.status;
}

/** Which part of the board's one-line answer a release counts in. */
export type Tally = "pass" | "warn" | "fail" | "rolledBack" | "hold" | "worsening" | "checking";
export const TALLY_ORDER: readonly Tally[] = ["pass", "warn", "fail", "rolledBack", "hold", "worsening", "checking"];

export function tallyOf(f: ReleaseFacts): Tally {
  if (f.status === "fail") return f.rolledBack ? "rolledBack" : "fail";
  if (f.status === "pending" || f.status === "analyzing") return lightOf(f) === "worsening" ? "worsening" : "checking";
  return f.status;
}

/** A check's value in its unit: error rates in %, latency (the median) at the histograms' precision. */
export function checkValue(check: Pick<Check, "kind">, v: number | null): string {
  if (check.kind === "error_rate") return percent(v);
  if (check.kind === "latency") return millis(v);
  return v === null ? "—" : String(Number(v.toPrecision(3)));
}

const IN_SENTENCE: Partial<Record<string, MessageKey>> = {
  error_rate: "signal.in.error_rate", latency: "signal.in.latency", error_budget: "signal.in.error_budget", new_errors: "signal.in.new_errors",
};

/** "the error rate went from 0.50 % to 6.00 %", one clause per check. */
function what(checks: readonly Check[], t: Translate): string {
  return checks
    .map((c) => {
      const key = IN_SENTENCE[c.kind];
      const signal = key ? t(key) : c.signal;
      if (c.baseline.value === null || c.candidate.value === null) return t("words.worse.noValues", { signal });
      return t("words.worse", { signal, before: checkValue(c, c.baseline.value), after: checkValue(c, c.candidate.value) });
    })
    .join(t("list.sep"));
}

const worse = (f: ReleaseFacts, statuses: Check["status"][]) => f.checks.filter((c) => counts(c) && statuses.includes(c.status));

/** "Held by ops-alice. " when a person decided the gate's answer; empty otherwise. */
export function decisionWords(f: Pick<ReleaseFacts, "decision">, t: Translate): string {
  const d = f.decision;
  return d && (d.action === "approve" || d.action === "hold" || d.action === "rollback") ? t(`words.decision.${d.action}`, { actor: d.actor }) : "";
}

/** One sentence for a person who is not an engineer, from the verdict's structure, in the reader's language and zone. */
export function releaseSentence(f: ReleaseFacts, r: Reader): string {
  const { t } = r;
  const by = f.decideBy === null ? null : localTime(f.decideBy, r.zone, r.lang);
  const early = worseSoFar({ status: f.engineStatus, checks: f.checks });
  if (early.length > 0) return by ? t("words.worsening", { what: what(early, t), time: by }) : t("words.worsening.open", { what: what(early, t) });
  switch (f.engineStatus) {
    case "pending": return t("words.pending");
    case "analyzing": return by ? t("words.analyzing", { time: by }) : t("words.analyzing.open");
    case "pass": return t("words.pass");
    case "hold": return t("words.hold");
    case "warn": return t("words.warn", { what: what(worse(f, ["warn", "fail"]), t) || t("words.unnamed") });
    case "fail": {
      const found = what(worse(f, ["fail", "error"]), t) || what(worse(f, ["warn"]), t) || t("words.unnamed");
      return t(f.rolledBack ? "words.fail.rolledBack" : "words.fail", { what: found });
    }
  }
}
