import { exposureNeededForRate, minutesNeeded, rateDetectionPower, samplesNeededForShift, shiftDetectionPower } from "./detection-power.ts";
import type { WeightedSample } from "./mann-whitney.ts";
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

const pct = (x: number) => `${Math.round(x * 100)} %`;

function sentence(what: string, power: number, minutes: number): string {
  const more = Number.isFinite(minutes) ? `need about ${Math.max(1, Math.ceil(minutes))} more minutes at current traffic` : "there is no traffic to wait for";
  return `too little traffic to tell ${what} from chance (a ${pct(power)} chance of seeing it); ${more}`;
}

/**
 * Why a "pass" cannot be trusted: the window was too small to detect the rule's effect floor with 80 % power.
 * Rates use the quasi-Poisson Wald power of detection-power.ts; distributions Noether's Mann–Whitney power on log values.
 */
export function lowPowerReason(stats: SignalStats, s: SignalSettings, data: { kind: "rate" } | { kind: "distribution"; baseline: WeightedSample }): string | undefined {
  if (s.candidateMinutes === undefined || s.candidateMinutes <= 0) return undefined;
  const alpha = 1 - s.confidence;
  if (data.kind === "rate") {
    const input = {
      baselineRate: stats.baselineValue, baselineExposure: stats.baselineN, relativeEffect: s.fail.relative, absoluteEffect: s.fail.absolute,
      alpha, phi: stats.details.dispersion ?? 1,
    };
    const power = rateDetectionPower({ ...input, candidateExposure: stats.candidateN });
    if (power >= TARGET_POWER) return undefined;
    const needed = exposureNeededForRate({ ...input, power: TARGET_POWER });
    return sentence(`a ${pct(s.fail.relative)} rise in errors`, power, minutesNeeded(needed, stats.candidateN, s.candidateMinutes));
  }
  const sd = logSd(data.baseline);
  if (sd === undefined || s.fail.relative <= 0) return undefined;
  const input = { baselineN: stats.baselineN, relativeShift: s.fail.relative, logSd: sd, alpha };
  const power = shiftDetectionPower({ ...input, candidateN: stats.candidateN });
  if (power >= TARGET_POWER) return undefined;
  const needed = samplesNeededForShift({ ...input, power: TARGET_POWER });
  return sentence(`a ${pct(s.fail.relative)} slowdown`, power, minutesNeeded(needed, stats.candidateN, s.candidateMinutes));
}
