/**
 * The group-sequential test of a rate against its baseline, read against a two-stage constant fail boundary and one
 * constant pass boundary (Haybittle 1971; Pocock 1977; Jennison & Turnbull 2000, "Group Sequential Methods", ch. 2). At each look L = log((e + ½)/n) −
 * log(forecast) and V = c + var(log forecast) + τ²(t): a test on the log rate ratio with a random-effects wander term,
 * where c, the count's own log variance, is taken under the hypothesis tested (countLogVariance). The interval shown is
 * the Wald one, c = 1/(e + ½). The ½ (Haldane–Anscombe) keeps a window without events finite.
 */
import type { EffectFloor, Direction } from "../signal-result.ts";
import { type BoundaryPair, failZAt } from "./boundaries.ts";
import type { LookPlan, MinuteCounts } from "./sequential-types.ts";
import { looksUpTo, nextLookAfter } from "./look-plan.ts";

export interface LookBaseline {
  rate: number;
  /** Variance of log(rate): 1/(events + ½) from the baseline's own count plus any model part (the seasonal profile). */
  varLog: number;
  tau2: number;
  /** The baseline's event count behind `rate`. */
  events: number;
}

/** A change measured on another scale (the latency signal's p95 ratio) that the floors are judged on instead. */
export type SizeAt = (minutes: number) => EffectFloor | undefined;

export interface LookOutcome {
  minutes: number;
  events: number;
  exposure: number;
  baseline: LookBaseline;
  logRatio: number;
  /** √V of the Wald interval. */
  sd: number;
  /** L/√V, made monotone in the baseline's count (monotoneZ): the statistic the fail boundary reads. */
  z: number;
  decision: "fail" | "warn" | "pass" | "none";
}

export interface LookRules {
  direction: Direction;
  fail: EffectFloor;
  warn?: EffectFloor | undefined;
  detect: EffectFloor;
  minSamples: number;
}

/**
 * The z, made monotone in the baseline's count. With few baseline events and a large ratio the Wald z RISES with
 * the baseline's count (Hauck & Donner 1977, JASA 72: 1/(u) dominates V), which would fail 1/300 → 34/300 but not
 * 0/300 → 34/300. Taking the supremum of z over baseline counts u ≥ E + ½ at the same baseline exposure (the monotone
 * envelope; the expected count, and with it the count's variance, scales with u) removes that; where z already falls
 * with u, the usual case, it is the z itself. The supremum is found on a grid in log u, refined by golden section.
 */
export function monotoneZ(logRatio: number, events: number, expected: number, baseline: LookBaseline): number {
  const u0 = baseline.events + 0.5;
  const rest = baseline.varLog - 1 / u0 + baseline.tau2;
  // s = log(u / u0): beyond s = L the log ratio is negative, so the supremum lies in [0, L].
  const zAt = (s: number) => (logRatio - s) / Math.sqrt(rest + 1 / (u0 * Math.exp(s)) + countLogVariance(events, expected * Math.exp(s)));
  const z0 = zAt(0);
  if (!(logRatio > 0) || !Number.isFinite(z0) || !(zAt(logRatio * 1e-6) > z0)) return z0;
  const steps = 32;
  let best = 0, bestZ = z0;
  for (let i = 1; i < steps; i++) {
    const z = zAt((logRatio * i) / steps);
    if (z > bestZ) [best, bestZ] = [i, z];
  }
  let lo = (logRatio * Math.max(0, best - 1)) / steps, hi = (logRatio * Math.min(steps, best + 1)) / steps;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    if (zAt(a) > zAt(b)) hi = b;
    else lo = a;
  }
  return Math.max(z0, zAt((lo + hi) / 2));
}

/**
 * The variance of log(count) for the candidate's count x under a hypothesized mean m: 1 / (x^(2/3)·m^(1/3)), with the
 * ½ of the log ratio on both. It is the variance for which the Wald z equals the Poisson signed-root deviance
 * sign(x − m)·√(2(x·log(x/m) − x + m)) to second order in log(x/m) (the likelihood-ratio statistic, which is close to
 * normal at a few events; McCullagh & Nelder 1989, "Generalized Linear Models", §6.2). The observed-count variance 1/x
 * overstates a rise at few events (x = 20 against m = 10: Wald z 3.2, exact Poisson tail z 2.7, this 2.8), so the
 * fleet boundary, calibrated where events are many, spent quiet services' error budget; and it understates how sure a
 * count below the detect floor makes a pass. Each side is tested under its own hypothesis: the fail z under the
 * baseline's mean, the pass bound under the detect floor's.
 */
export function countLogVariance(events: number, hypothesized: number): number {
  return 1 / Math.cbrt((events + 0.5) ** 2 * (Math.max(0, hypothesized) + 0.5));
}

const sidesOf = (direction: Direction): number[] => (direction === "increase" ? [1] : direction === "decrease" ? [-1] : [1, -1]);

function beyond(side: number, change: EffectFloor, floor: EffectFloor): boolean {
  return side * change.relative >= floor.relative && side * change.absolute >= floor.absolute;
}

/** One look: fail, warn, pass, or not decisive yet. Fails need both floors; a pass rules out either part of the detect floor. */
export function judgeLook(minutes: number, events: number, exposure: number, baseline: LookBaseline, rules: LookRules, bounds: BoundaryPair, size?: SizeAt): LookOutcome {
  const logRatio = Math.log((events + 0.5) / exposure) - Math.log(baseline.rate);
  const sd = Math.sqrt(1 / (events + 0.5) + baseline.varLog + baseline.tau2);
  const expected = baseline.rate * exposure;
  const z = monotoneZ(logRatio, events, expected, baseline);
  const outcome: LookOutcome = { minutes, events, exposure, baseline, logRatio, sd, z, decision: "none" };
  if (!(exposure >= rules.minSamples && exposure > 0) || !Number.isFinite(z)) return outcome;
  const observed = events / exposure;
  const change = size?.(minutes) ?? { relative: observed / baseline.rate - 1, absolute: observed - baseline.rate };
  const sides = sidesOf(rules.direction);
  const failZ = failZAt(bounds, minutes);
  const significant = (side: number) => side * z >= failZ;
  if (sides.some((side) => significant(side) && beyond(side, change, rules.fail))) return { ...outcome, decision: "fail" };
  const wander = baseline.varLog + baseline.tau2;
  const sdAt = (floorRatio: number) => Math.sqrt(countLogVariance(events, expected * floorRatio) + wander);
  const upper = Math.exp(logRatio + bounds.passZ * sdAt(1 + rules.detect.relative));
  const lower = Math.exp(logRatio - bounds.passZ * sdAt(Math.max(0, 1 - rules.detect.relative)));
  const ruledOut = (side: number) =>
    side > 0
      ? upper < 1 + rules.detect.relative || baseline.rate * (upper - 1) < rules.detect.absolute
      : lower > 1 - rules.detect.relative || baseline.rate * (1 - lower) < rules.detect.absolute;
  if (!sides.every(ruledOut)) return outcome;
  const warn = rules.warn;
  const warned = warn !== undefined && sides.some((side) => significant(side) && beyond(side, change, warn));
  return { ...outcome, decision: warned ? "warn" : "pass" };
}

export interface LookRun {
  status: "fail" | "warn" | "pass" | "continue" | "hold" | "nodata";
  /** The deciding look, or the last look done (or the data so far when no look is due yet). */
  look: LookOutcome;
  minutesUsed: number;
  nextLookMinutes: number | null;
}

/**
 * Every look from the first up to the data there is; stops at the first decisive one, so a replay is judged as live.
 * `eventsAt(t)`, when given, is the count the test reads over the first t minutes (looks come in increasing t).
 */
export function runLooks(candidate: readonly MinuteCounts[], plan: LookPlan, maxMinutes: number, baselineAt: (minutes: number) => LookBaseline,
  rules: LookRules, bounds: BoundaryPair, size?: SizeAt, eventsAt?: (minutes: number) => number): LookRun {
  const cumEvents = [0], cumExposure = [0];
  candidate.forEach((m, i) => {
    cumEvents.push(cumEvents[i]! + m.events);
    cumExposure.push(cumExposure[i]! + m.exposure);
  });
  const at = (t: number) => judgeLook(t, eventsAt?.(t) ?? cumEvents[t]!, cumExposure[t]!, baselineAt(t), rules, bounds, size);
  const looks = looksUpTo(plan, maxMinutes, candidate.length);
  let last: LookOutcome | undefined;
  for (const t of looks) {
    last = at(t);
    if (last.decision !== "none") return { status: last.decision, look: last, minutesUsed: t, nextLookMinutes: null };
  }
  const minutesUsed = last?.minutes ?? Math.min(candidate.length, maxMinutes);
  const look = last ?? at(minutesUsed);
  if (minutesUsed < maxMinutes) return { status: "continue", look, minutesUsed, nextLookMinutes: nextLookAfter(plan, maxMinutes, minutesUsed) };
  return { status: look.exposure >= rules.minSamples && look.exposure > 0 ? "hold" : "nodata", look, minutesUsed, nextLookMinutes: null };
}
