import { exposureNeededForRate, minutesNeeded, rateDetectionPower, samplesNeededForShift, shiftDetectionPower } from "./detection-power.ts";
import type { WeightedSample } from "./mann-whitney.ts";
import { logRateRatio } from "./dispersion.ts";
import { normalQuantile } from "./special-functions.ts";
import type { SignalSettings, SignalStats } from "./signal-result.ts";

/** The power below which a quiet "pass" is not trusted (the usual 80 % of study design). */
export const TARGET_POWER = 0.8;

function logSd(s: WeightedSample): number | undefined {
  let n = 0, sum = 0, sq = 0;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!, w = s.weights[i] ?? 0;
    if (!(v > 0)) return undefined;
    n += w;
    sum += w * Math.log(v);
    sq += w * Math.log(v) ** 2;
  }
  return n > 1 ? Math.sqrt(Math.max(0, (sq - (sum * sum) / n) / (n - 1))) : undefined;
}

/** The rate ratio's upper one-sided 95 % bound: log-ratio Wald bound with the baseline's dispersion (dispersion.ts). */
function upperBound95(stats: SignalStats, confidence: number): number {
  const d = stats.details;
  const ratio = stats.relativeChange + 1, low = stats.ciLow + 1;
  if (d.routes !== undefined && ratio > 0 && low > 0) {
    // Stratified (Mantel–Haenszel): the crude counts would carry the route-mix shift, so rescale its own interval.
    const se = (Math.log(ratio) - Math.log(low)) / normalQuantile(confidence);
    return Math.exp(Math.log(ratio) + normalQuantile(0.95) * se);
  }
  const { logRatio, se } = logRateRatio(d.baselineEvents ?? 0, stats.baselineN, d.candidateEvents ?? 0, stats.candidateN, d.dispersion ?? 1, d.wander ?? 0);
  return Math.exp(logRatio + normalQuantile(0.95) * se);
}

/**
 * Upper 95 % bound of the rise in rate (candidate − baseline): the candidate's upper and the baseline's lower 97.5 %
 * bounds (Bonferroni), each a log-scale Wald bound on the count with ½ added (Haldane) and the dispersion φ; the
 * wander τ² widens the baseline's side. The plug-in "baseline rate × (ratio bound − 1)" read a zero baseline as a
 * rate known to be 0, so 0/300 → 5/300 passed while 1/300 → 5/300 held; this bound only grows as baseline errors fall.
 */
function riseBound95(stats: SignalStats): number {
  const d = stats.details, phi = d.dispersion ?? 1, z = normalQuantile(0.975);
  const eb = (d.baselineEvents ?? 0) + 0.5, ec = (d.candidateEvents ?? 0) + 0.5;
  const candidateHigh = (ec / stats.candidateN) * Math.exp(z * Math.sqrt(phi / ec));
  const baselineLow = (eb / stats.baselineN) * Math.exp(-z * Math.sqrt(phi / eb + (d.wander ?? 0)));
  return candidateHigh - baselineLow;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

function sentence(what: string, power: number, minutes: number, trafficSoFar: number): string {
  const more = Number.isFinite(minutes) ? `need about ${Math.max(1, Math.ceil(minutes))} more minutes at current traffic`
    : trafficSoFar > 0 ? "the baseline itself is too small to tell, however long the release runs: a longer baseline window would"
    : "there is no traffic after the release to wait for";
  return `too little traffic to tell ${what} from chance (a ${pct(power)} chance of seeing it); ${more}`;
}

/**
 * Why a "pass" cannot be trusted. Rates: the upper 95 % bounds of the rate ratio and of the rise still reach the
 * effect floor (the data cannot rule out a floor-sized rise); the minutes needed come from the quasi-Poisson power of detection-power.ts.
 * Distributions: less than 80 % power for the floor (Noether's Mann–Whitney power on log values).
 */
export function lowPowerReason(stats: SignalStats, s: SignalSettings, data: { kind: "rate" } | { kind: "distribution"; baseline: WeightedSample }): string | undefined {
  if (s.candidateMinutes === undefined || s.candidateMinutes <= 0) return undefined;
  const alpha = 1 - s.confidence;
  if (data.kind === "rate") {
    // Equivalence-style: keep the pass when the data rule out a floor-sized rise (upper one-sided 95 % bound of the
    // ratio below the floor, relative or absolute); otherwise too little traffic to tell.
    const detect = s.detect ?? s.fail;
    const rulesOut = (x: SignalStats) => upperBound95(x, s.confidence) - 1 < detect.relative || riseBound95(x) < detect.absolute;
    if (rulesOut(stats)) return undefined;
    const wander = stats.details.wander ?? 0;
    if (wander > 0 && rulesOut({ ...stats, details: { ...stats.details, wander: 0 } })) {
      // More traffic would not help: the rate moves this much between windows on its own.
      return `the error rate moves by about ±${pct(Math.exp(Math.sqrt(wander)) - 1)} between windows with no release (measured on the hours before), `
        + `so a ${pct(detect.relative)} rise cannot be told from that wander yet; a concurrent baseline (hosts not yet updated) would cancel wander shared by all hosts, though not each host's own`;
    }
    const input = {
      baselineRate: stats.baselineValue, baselineExposure: stats.baselineN, relativeEffect: detect.relative, absoluteEffect: detect.absolute,
      alpha, phi: stats.details.dispersion ?? 1,
    };
    const power = rateDetectionPower({ ...input, candidateExposure: stats.candidateN });
    const needed = exposureNeededForRate({ ...input, power: TARGET_POWER });
    return sentence(`a ${pct(detect.relative)} rise in errors`, power, minutesNeeded(needed, stats.candidateN, s.candidateMinutes), stats.candidateN);
  }
  const sd = logSd(data.baseline);
  const detect = s.detect ?? s.fail;
  if (sd === undefined || detect.relative <= 0) return undefined;
  const input = { baselineN: stats.baselineN, relativeShift: detect.relative, logSd: sd, alpha };
  const power = shiftDetectionPower({ ...input, candidateN: stats.candidateN });
  if (power >= TARGET_POWER) return undefined;
  const needed = samplesNeededForShift({ ...input, power: TARGET_POWER });
  return sentence(`a ${pct(detect.relative)} slowdown`, power, minutesNeeded(needed, stats.candidateN, s.candidateMinutes), stats.candidateN);
}
