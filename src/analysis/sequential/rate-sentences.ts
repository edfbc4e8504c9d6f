/**
 * The plain-words "why" of a rate signal that is not decided yet or is held at its maximum, and its numbers in the
 * engine's common SignalStats shape (intervals two-sided at 95 %, p-values nominal per look).
 */
import { normalCdf, normalQuantile } from "../normal-distribution.ts";
import type { Direction, EffectFloor, SignalStats } from "../signal-result.ts";
import type { BoundaryPair } from "./boundaries.ts";
import type { LookOutcome, LookRun } from "./group-sequential.ts";

export const RATE_INTERVAL_LEVEL = 0.95;
/** Under this many events the counting noise, not the wander, is what keeps a look undecided. */
const FEW_EVENTS = 10;

export interface RateNouns {
  /** "errors", "slow requests". */
  events: string;
  /** "error rate", "share of slow requests". */
  rate: string;
}

export const ERROR_NOUNS: RateNouns = { events: "errors", rate: "error rate" };

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = minutes / 60;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

export function detectText(direction: Direction, detect: EffectFloor): string {
  const pct = `${Math.round(detect.relative * 100)} %`;
  if (direction === "decrease") return `a fall of ${pct}`;
  const rise = Math.abs(detect.relative - 1) < 1e-9 ? "a doubling" : `a rise of ${pct}`;
  return direction === "either" ? `${rise} or a fall of ${pct}` : rise;
}

const safe = (x: number, fallback = 0): number => (Number.isFinite(x) ? x : fallback);

export function rateStats(method: string, look: LookOutcome, baselineN: number, direction: Direction, bounds: BoundaryPair, maxMinutes: number): SignalStats {
  const rate = look.baseline.rate, n = look.exposure;
  const usable = n > 0 && rate > 0 && Number.isFinite(rate);
  const observed = n > 0 ? look.events / n : 0;
  const half = normalQuantile(0.5 + RATE_INTERVAL_LEVEL / 2) * look.sd;
  const z = usable ? look.z : 0;
  const pValue = direction === "increase" ? 1 - normalCdf(z) : direction === "decrease" ? normalCdf(z) : Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return {
    method,
    baselineValue: safe(rate),
    candidateValue: observed,
    baselineN,
    candidateN: n,
    absoluteChange: usable ? observed - rate : 0,
    relativeChange: usable ? observed / rate - 1 : 0,
    ciLow: usable ? Math.exp(look.logRatio - half) - 1 : -1,
    ciHigh: usable ? Math.exp(look.logRatio + half) - 1 : Infinity,
    pValue,
    details: {
      events: look.events,
      exposure: n,
      forecastEvents: usable ? rate * n : 0,
      logRatio: usable ? look.logRatio : 0,
      sdLogRatio: safe(look.sd),
      z,
      tau2: look.baseline.tau2,
      varLogForecast: safe(look.baseline.varLog),
      failZ: bounds.failZ,
      passZ: bounds.passZ,
      lookMinutes: look.minutes,
      maxMinutes,
    },
  };
}

export function rateWhy(run: LookRun, nouns: RateNouns, direction: Direction, detect: EffectFloor, firstLook: number, available: number): string | undefined {
  const { look, status } = run;
  const hides = detectText(direction, detect);
  if (status === "nodata")
    return look.exposure > 0 ? `only ${look.exposure} requests in ${formatMinutes(look.minutes)} after the deploy` : `no requests in ${formatMinutes(look.minutes)} after the deploy`;
  if (!(look.baseline.rate > 0 && Number.isFinite(look.baseline.rate))) return "no traffic before the deploy to compare with";
  if (status === "continue") {
    if (available < firstLook) return `${available} of the ${firstLook} minutes of data the first look needs`;
    if (look.events < FEW_EVENTS) return `only ${look.events} ${nouns.events} so far`;
    const ratio = Math.exp(look.logRatio), width = Math.exp(normalQuantile(0.975) * look.sd);
    return `after ${formatMinutes(look.minutes)} the ${nouns.rate} is ×${ratio.toFixed(2)} its baseline (95 % interval ×${(ratio / width).toFixed(2)}–×${(ratio * width).toFixed(2)}): not decisive yet`;
  }
  if (status !== "hold") return undefined;
  const counting = 1 / (look.events + 0.5) + 1 / (look.baseline.events + 0.5);
  const wander = look.baseline.tau2 + look.baseline.varLog - 1 / (look.baseline.events + 0.5);
  if (counting >= wander || look.events < FEW_EVENTS)
    return `only ${look.events} ${nouns.events} in ${formatMinutes(look.minutes)}: too few to rule out ${hides}`;
  const pct = Math.round((Math.exp(Math.sqrt(wander)) - 1) * 100);
  return `after ${formatMinutes(look.minutes)} the ${nouns.rate}'s normal wander of ±${pct} % still hides ${hides}`;
}
