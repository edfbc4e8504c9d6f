/** What the benchmark keeps of each simulated release: each judge's verdict and, for the engine, why. */
import type { JudgeStatus, Outcome } from "./interim-schedule.ts";

export const JUDGES = ["engine", "static", "kayenta"] as const;
export type JudgeName = (typeof JUDGES)[number];

export interface JudgeTally {
  pass: number;
  warn: number;
  fail: number;
  hold: number;
  /** Minutes after the deploy at which each failed release was failed. */
  failedAt: number[];
}

/** Base error-rate bands, for the engine's breakdown. */
export const BANDS = [
  { label: "base errors < 0.5 %", below: 0.005 },
  { label: "0.5–1 %", below: 0.01 },
  { label: "≥ 1 %", below: Infinity },
] as const;

export interface Tally {
  n: number;
  judges: Record<JudgeName, JudgeTally>;
  /** Observed analysis ÷ baseline error rate and p95, per release (the effect the release really had, with noise). */
  errorRatio: number[];
  p95Ratio: number[];
  /** Pearson dispersion of the baseline's per-minute error counts. */
  phi: number[];
  /** log(after ÷ before error rate) ÷ its Poisson standard error, when both windows saw ≥ 10 errors: var 1 if Poisson. */
  windowZ: number[];
  /** Engine: why the deciding check came out as it did, counted by reason. */
  engineNotes: Map<string, number>;
  /** Engine verdicts by base error-rate band: releases and fails. */
  bandReleases: number[];
  bandFails: number[];
  /** Engine false fails on error rate: the observed ratio and the baseline's φ. */
  errorFalseFail: { ratio: number; phi: number }[];
  /** Engine latency check on the final window: Hodges–Lehmann shift ÷ baseline median. */
  latencyShift: number[];
  /** Engine holds: the minutes more each said it needs ("need about N more minutes"); those saying there is no traffic to
   * wait for although the window had traffic; and holds that said neither. */
  holdMinutesNeeded: number[];
  holdsNoTrafficClaim: number;
  holdsWithoutTime: number;
  /** Cost: milliseconds spent in the engine's judge() and how many calls, and in the whole slice (traffic, all judges). */
  engineMs: number;
  engineCalls: number;
  workMs: number;
}

export function emptyTally(): Tally {
  const judge = (): JudgeTally => ({ pass: 0, warn: 0, fail: 0, hold: 0, failedAt: [] });
  return {
    n: 0, judges: { engine: judge(), static: judge(), kayenta: judge() }, errorRatio: [], p95Ratio: [], phi: [], windowZ: [],
    engineNotes: new Map(), bandReleases: BANDS.map(() => 0), bandFails: BANDS.map(() => 0), errorFalseFail: [], latencyShift: [],
    holdMinutesNeeded: [], holdsNoTrafficClaim: 0, holdsWithoutTime: 0,
    engineMs: 0, engineCalls: 0, workMs: 0,
  };
}

export function count(t: JudgeTally, o: Outcome): void {
  t[o.status satisfies JudgeStatus]++;
  if (o.status === "fail") t.failedAt.push(o.failedAt ?? NaN);
}

export function note(t: Tally, reason: string): void {
  t.engineNotes.set(reason, (t.engineNotes.get(reason) ?? 0) + 1);
}

/** Adds b into a (tallies of several cells, for pooled targets). */
export function merge(a: Tally, b: Tally): Tally {
  a.n += b.n;
  for (const j of JUDGES) {
    const x = a.judges[j], y = b.judges[j];
    x.pass += y.pass; x.warn += y.warn; x.fail += y.fail; x.hold += y.hold;
    x.failedAt.push(...y.failedAt);
  }
  a.errorRatio.push(...b.errorRatio); a.p95Ratio.push(...b.p95Ratio); a.phi.push(...b.phi); a.windowZ.push(...b.windowZ);
  for (const [k, v] of b.engineNotes) a.engineNotes.set(k, (a.engineNotes.get(k) ?? 0) + v);
  b.bandReleases.forEach((v, i) => (a.bandReleases[i]! += v));
  b.bandFails.forEach((v, i) => (a.bandFails[i]! += v));
  a.errorFalseFail.push(...b.errorFalseFail); a.latencyShift.push(...b.latencyShift);
  a.holdMinutesNeeded.push(...b.holdMinutesNeeded); a.holdsNoTrafficClaim += b.holdsNoTrafficClaim; a.holdsWithoutTime += b.holdsWithoutTime;
  a.engineMs += b.engineMs; a.engineCalls += b.engineCalls; a.workMs += b.workMs;
  return a;
}
