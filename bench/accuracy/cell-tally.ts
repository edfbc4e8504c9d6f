/** What the benchmark keeps of each simulated release: each judge's verdict and when, and for the engine why. */
import type { JudgeStatus, Outcome } from "./interim-schedule.ts";

export const JUDGES = ["engine", "static", "kayenta"] as const;
export type JudgeName = (typeof JUDGES)[number];

export interface JudgeTally {
  pass: number;
  warn: number;
  fail: number;
  hold: number;
  /** Minutes after the deploy at which each release was decided (fail, pass, warn, or hold at the maximum). */
  decidedAt: number[];
  /** The same for the releases that ended in pass, warn or fail only: the review's "time to a decision, decided releases". */
  concludedAt: number[];
  /** Minutes after the deploy at which each failed release was failed. */
  failedAt: number[];
  /** The longest window the judge could have used on each release. */
  maxWindow: number[];
}

/** Bands of the errors the baseline expects in the release's maximum window, to group cells by what traffic can tell. */
export const EXPECTED_BANDS = [
  { label: "< 10 errors", below: 10 },
  { label: "10–30", below: 30 },
  { label: "30–100", below: 100 },
  { label: "≥ 100", below: Infinity },
] as const;

/** The perfect-counterfactual ceiling: at the maximum window, and within the time limits the targets name. */
export const CEILING_AT = ["max", 5, 10, 15] as const;

export interface BandTally {
  n: number;
  fail: number;
  pass: number;
  hold: number;
  ceiling: number;
}

export interface Tally {
  n: number;
  judges: Record<JudgeName, JudgeTally>;
  /** Observed analysis ÷ baseline error rate and p95 (whole window ÷ the hour before; updated hosts only). */
  errorRatio: number[];
  p95Ratio: number[];
  /** Engine: why it decided as it did, counted by reason ("fail: error_rate", "hold: latency …"). */
  engineNotes: Map<string, number>;
  /** Engine verdicts by the baseline's expected errors in the maximum window. */
  bands: BandTally[];
  /** Ceiling power per release, summed, for each entry of CEILING_AT (divide by n). */
  ceilingSum: number[];
  /** The same for the concurrent ceiling (canary cells of an error effect; NaN elsewhere). */
  concurrentCeilingSum: number[];
  /** The same for the before/after ceiling (before/after cells of an error effect, at the fixed limits; NaN elsewhere). */
  beforeAfterCeilingSum: number[];
  /** Which design judged the error rate (concurrent, forecast, …), counted. */
  designs: Map<string, number>;
  engineMs: number;
  engineCalls: number;
  workMs: number;
}

export function emptyTally(): Tally {
  const judge = (): JudgeTally => ({ pass: 0, warn: 0, fail: 0, hold: 0, decidedAt: [], concludedAt: [], failedAt: [], maxWindow: [] });
  return {
    n: 0, judges: { engine: judge(), static: judge(), kayenta: judge() }, errorRatio: [], p95Ratio: [], engineNotes: new Map(),
    bands: EXPECTED_BANDS.map(() => ({ n: 0, fail: 0, pass: 0, hold: 0, ceiling: 0 })), ceilingSum: CEILING_AT.map(() => 0), concurrentCeilingSum: CEILING_AT.map(() => 0),
    beforeAfterCeilingSum: CEILING_AT.map(() => 0),
    designs: new Map(), engineMs: 0, engineCalls: 0, workMs: 0,
  };
}

export function count(t: JudgeTally, o: Outcome, maxWindow: number): void {
  t[o.status satisfies JudgeStatus]++;
  t.decidedAt.push(o.decidedAt);
  if (o.status !== "hold") t.concludedAt.push(o.decidedAt);
  if (o.status === "fail") t.failedAt.push(o.decidedAt);
  t.maxWindow.push(maxWindow);
}

export function note(map: Map<string, number>, reason: string): void {
  map.set(reason, (map.get(reason) ?? 0) + 1);
}

/** Adds b into a (tallies of several cells or slices). */
export function merge(a: Tally, b: Tally): Tally {
  a.n += b.n;
  for (const j of JUDGES) {
    const x = a.judges[j], y = b.judges[j];
    x.pass += y.pass; x.warn += y.warn; x.fail += y.fail; x.hold += y.hold;
    x.decidedAt.push(...y.decidedAt); x.concludedAt.push(...y.concludedAt); x.failedAt.push(...y.failedAt); x.maxWindow.push(...y.maxWindow);
  }
  a.errorRatio.push(...b.errorRatio); a.p95Ratio.push(...b.p95Ratio);
  for (const [k, v] of b.engineNotes) a.engineNotes.set(k, (a.engineNotes.get(k) ?? 0) + v);
  for (const [k, v] of b.designs) a.designs.set(k, (a.designs.get(k) ?? 0) + v);
  b.bands.forEach((s, i) => {
    const d = a.bands[i]!;
    d.n += s.n; d.fail += s.fail; d.pass += s.pass; d.hold += s.hold; d.ceiling += s.ceiling;
  });
  b.ceilingSum.forEach((v, i) => (a.ceilingSum[i]! += v));
  b.concurrentCeilingSum.forEach((v, i) => (a.concurrentCeilingSum[i]! += v));
  b.beforeAfterCeilingSum.forEach((v, i) => (a.beforeAfterCeilingSum[i]! += v));
  a.engineMs += b.engineMs; a.engineCalls += b.engineCalls; a.workMs += b.workMs;
  return a;
}
