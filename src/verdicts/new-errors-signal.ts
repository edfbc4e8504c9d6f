import type { SignalAnalysis } from "../analysis/signal-result.ts";
import { testNewSignatures, type NewKind, type NewSignatureEvidence, type NewSignatureSettings } from "../analysis/new-signatures.ts";
import type { ErrorSignatureReader } from "../telemetry/error-signature-reader.ts";

const MINUTE = 60_000, DAY = 1440 * MINUTE;

/** What a `new_errors` signal needs to know of its release. */
export interface NewErrorsTarget {
  service: string;
  environment: string;
  version: string;
  deployStart: number;
  candidateStart: number;
  candidateEnd: number;
}

export interface NewErrorsOptions {
  fail_on_own: boolean;
  lookback_days: number;
  min_events: number;
}

/** The signal's data: evidence for testNewSignatures, or why there is none (the judge's "missing" shape). */
export type NewErrorsData = { kind: "new_errors"; evidence: NewSignatureEvidence } | { kind: "missing"; why: string };

/** The fetch stage: reads the lookback and the candidate window from pushed logs' error signatures. */
export async function readNewErrorsInput(reader: ErrorSignatureReader, t: NewErrorsTarget, options: Pick<NewErrorsOptions, "lookback_days">): Promise<NewErrorsData> {
  if (!(t.candidateEnd > t.candidateStart)) return { kind: "missing", why: "the analysis window has not started" };
  const lookbackStart = Math.floor((t.deployStart - options.lookback_days * DAY) / MINUTE) * MINUTE;
  const deployStart = Math.floor(t.deployStart / MINUTE) * MINUTE;
  const windows = { service: t.service, environment: t.environment, lookbackStart, deployStart, candidateStart: t.candidateStart, candidateEnd: t.candidateEnd };
  const candidateMinutes = Math.max(1, Math.ceil((t.candidateEnd - t.candidateStart) / MINUTE));
  const candidateRequests = (await reader.requestsPerMinute(t.service, t.environment, Math.floor(t.candidateStart / MINUTE) * MINUTE, t.candidateEnd)).reduce((a, b) => a + b, 0);
  return {
    kind: "new_errors",
    evidence: {
      deployStart,
      historyStart: lookbackStart,
      historyRequests: await reader.requestsPerMinute(t.service, t.environment, lookbackStart, deployStart),
      historyKinds: await reader.historyKinds(windows, candidateMinutes),
      excluded: await reader.releaseWindows(t.service, t.environment, t.version, lookbackStart, deployStart),
      candidateRequests,
      candidateKinds: await reader.newKinds(windows),
    },
  };
}

export interface NewErrorsJudgement {
  status: "fail" | "warn" | "pass" | "nodata";
  analysis: SignalAnalysis;
  kinds: NewKind[];
  reason: string;
}

/** The judge stage, pure: fail (or warn when the rule says the signal may not fail on its own) on a significant count. */
export function judgeNewErrors(evidence: NewSignatureEvidence, options: NewErrorsOptions, budget: { alpha: number; looks: number }): NewErrorsJudgement {
  const settings: NewSignatureSettings = { alpha: budget.alpha, looks: budget.looks, minEvents: options.min_events, minHistoryMinutes: 1440 };
  const test = testNewSignatures(evidence, settings);
  const { analysis, kinds } = test;
  if (analysis.kind === "nodata") return { status: "nodata", analysis, kinds, reason: `New kinds of error cannot be judged yet: ${analysis.why}.` };
  const { details, pValue } = analysis.stats;
  const status = test.significant ? (options.fail_on_own ? "fail" : "warn") : "pass";
  const expected = `${details.expectedNewEvents! < 0.1 ? details.expectedNewEvents!.toPrecision(1) : details.expectedNewEvents!.toFixed(1)} expected from the last ${options.lookback_days} days`;
  if (kinds.length === 0) return { status, analysis, kinds, reason: `No new kind of error appeared after this release (${analysis.stats.candidateN} requests; ${expected}).` };
  const events = details.newEvents!;
  const verdict = test.significant
    ? `more than the service's normal rate of new kinds explains (p = ${pValue.toPrecision(2)}; ${expected})`
    : events < options.min_events
      ? `fewer than the ${options.min_events} events needed to count`
      : `within the service's normal rate of new kinds (p = ${pValue.toPrecision(2)}; ${expected})`;
  return { status, analysis, kinds, reason: `${describeNewKinds(kinds)}: ${events} ${events === 1 ? "event" : "events"}, ${verdict}.` };
}

/** "2 new kinds of error appeared after this release: 'NullPointerException at Cart.total(<*>)' 14 times on 3 hosts, …". */
export function describeNewKinds(kinds: readonly NewKind[], shown = 3): string {
  const n = kinds.length;
  const one = (k: NewKind) => {
    const text = k.template.length > 120 ? `${k.template.slice(0, 117)}...` : k.template;
    const hosts = k.hosts > 0 ? ` on ${k.hosts} ${k.hosts === 1 ? "host" : "hosts"}` : "";
    return `'${text}' ${k.events} ${k.events === 1 ? "time" : "times"}${hosts}`;
  };
  const more = n > shown ? ` and ${n - shown} more` : "";
  return `${n} new ${n === 1 ? "kind" : "kinds"} of error appeared after this release: ${kinds.slice(0, shown).map(one).join(", ")}${more}`;
}

/** A rule signal's new_errors options (the rule schema fills them in for kind new_errors; the same defaults here). */
export const newErrorsOptions = (s: { fail_on_own?: boolean | undefined; lookback_days?: number | undefined; min_events?: number | undefined }): NewErrorsOptions => ({
  fail_on_own: s.fail_on_own ?? true, lookback_days: s.lookback_days ?? 7, min_events: s.min_events ?? 3,
});
