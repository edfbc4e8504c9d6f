import { betaQuantile, regularizedIncompleteBeta } from "./beta-distribution.ts";
import type { SignalAnalysis } from "./signal-result.ts";

const MINUTE = 60_000;

/** A kind of error seen in the candidate window and nowhere in the lookback before the deploy. */
export interface NewKind {
  fingerprint: string;
  template: string;
  /** One message of this kind, secrets masked and truncated. */
  sample: string;
  events: number;
  hosts: number;
  firstSeen: number;
}

/** A kind first seen (since the lookback began) at `firstSeen`, with its events in the candidate's length after that. */
export interface HistoryKind {
  fingerprint: string;
  firstSeen: number;
  events: number;
}

export interface NewSignatureEvidence {
  deployStart: number;
  /** Requests per minute from `historyStart` up to the deploy's start, oldest first, silent minutes as 0. */
  historyRequests: readonly number[];
  historyStart: number;
  historyKinds: readonly HistoryKind[];
  /** Other releases' deploy-to-verdict windows in the lookback: their new kinds are not "normal". */
  excluded: readonly { start: number; end: number }[];
  candidateRequests: number;
  candidateKinds: readonly NewKind[];
}

export interface NewSignatureSettings {
  /** The signal's false-fail budget over all its looks. */
  alpha: number;
  /** Fewer events in new kinds than this never fail, however unlikely. */
  minEvents: number;
  /** Looks the budget is spread over (Bonferroni); 1 for a single fixed window. */
  looks: number;
  /** History needed before any kind can be called new (a day). */
  minHistoryMinutes: number;
}

export const DEFAULT_NEW_SIGNATURE_SETTINGS: NewSignatureSettings = { alpha: 0.005, minEvents: 3, looks: 1, minHistoryMinutes: 1440 };

export interface NewSignatureTest {
  significant: boolean;
  kinds: NewKind[];
  analysis: SignalAnalysis;
}

const METHOD = "exact conditional Poisson test of events in new error kinds, against the A/A rate of new kinds in history";

/**
 * Events in never-seen kinds after the release against how often brand-new kinds appear with no release. The normal
 * rate comes from an A/A split of the lookback: its first half is memory, and kinds first seen in the second half
 * (outside other releases) are the "new kinds" a window with no release shows. That memory is shorter than the
 * candidate's whole lookback, so the normal rate is overstated, never understated.
 */
export function testNewSignatures(e: NewSignatureEvidence, s: NewSignatureSettings): NewSignatureTest {
  const kinds = [...e.candidateKinds].filter((k) => k.events > 0).sort((a, b) => b.events - a.events || a.fingerprint.localeCompare(b.fingerprint));
  const first = e.historyRequests.findIndex((r) => r > 0);
  const historyMinutes = first < 0 ? 0 : e.historyRequests.length - first;
  const nodata = (why: string): NewSignatureTest => ({ significant: false, kinds, analysis: { kind: "nodata", why, details: { historyMinutes, candidateRequests: e.candidateRequests } } });
  if (!(e.candidateRequests > 0)) return nodata("no requests in the analysis window yet");
  if (historyMinutes < s.minHistoryMinutes) {
    return nodata(`only ${(historyMinutes / 60).toFixed(1)} h of history; a kind of error can be called new after ${s.minHistoryMinutes / 60} h`);
  }
  const aaStart = e.historyStart + (first + Math.floor(historyMinutes / 2)) * MINUTE;
  const excluded = (t: number) => e.excluded.some((w) => t >= w.start && t < w.end);
  let historyRequests = 0;
  for (let i = 0; i < e.historyRequests.length; i++) {
    const t = e.historyStart + i * MINUTE;
    if (t >= aaStart && !excluded(t)) historyRequests += e.historyRequests[i]!;
  }
  const sizes = e.historyKinds.filter((k) => k.firstSeen >= aaStart && k.firstSeen < e.deployStart && !excluded(k.firstSeen)).map((k) => k.events);
  const historyEvents = sizes.reduce((a, b) => a + b, 0);
  const candidateEvents = kinds.reduce((a, k) => a + k.events, 0);
  if (!(historyRequests > 0)) return nodata("no requests in the history outside other releases");
  // New kinds arrive in bursts: quasi-Poisson scaling by the index of dispersion of burst sizes, Σs²/Σs (≥ 1).
  const dispersion = historyEvents > 0 ? Math.max(1, sizes.reduce((a, x) => a + x * x, 0) / historyEvents) : 1;
  const share = e.candidateRequests / (e.candidateRequests + historyRequests);
  const c = candidateEvents / dispersion, h = historyEvents / dispersion;
  const pValue = newKindPValue(c, h, share);
  const alphaPerLook = s.alpha / Math.max(1, s.looks);
  const baselineRate = historyEvents / historyRequests, candidateRate = candidateEvents / e.candidateRequests;
  const ratioLow = newKindRatioLowerBound(c, h, share, alphaPerLook);
  return {
    significant: pValue <= alphaPerLook && candidateEvents >= s.minEvents,
    kinds,
    analysis: {
      kind: "ok",
      stats: {
        method: METHOD,
        baselineValue: baselineRate,
        candidateValue: candidateRate,
        baselineN: historyRequests,
        candidateN: e.candidateRequests,
        absoluteChange: candidateRate - baselineRate,
        relativeChange: baselineRate > 0 ? candidateRate / baselineRate - 1 : candidateEvents > 0 ? Infinity : 0,
        ciLow: ratioLow - 1,
        ciHigh: Infinity,
        pValue,
        details: {
          newKinds: kinds.length, newEvents: candidateEvents, historyNewKinds: sizes.length, historyNewEvents: historyEvents,
          expectedNewEvents: baselineRate * e.candidateRequests, dispersion, historyMinutes, alphaPerLook,
        },
      },
    },
  };
}

/**
 * One-sided p of c candidate events given h history events and the candidate's share of the exposure: the upper
 * binomial tail P(X ≥ c | n = c + h), written as I_share(c, h + 1) so quasi-Poisson (non-integer) counts are allowed
 * (Przyborowski & Wilenski 1940; R's poisson.test, alternative "greater").
 */
export function newKindPValue(c: number, h: number, share: number): number {
  return c > 0 ? regularizedIncompleteBeta(share, c, h + 1) : 1;
}

/** The one-sided (1 − alpha) Clopper–Pearson lower bound of the rate ratio, mapped from the binomial share. */
export function newKindRatioLowerBound(c: number, h: number, share: number, alpha: number): number {
  if (c <= 0) return 0;
  const low = betaQuantile(alpha, c, h + 1);
  return (low / (1 - low)) * ((1 - share) / share);
}
