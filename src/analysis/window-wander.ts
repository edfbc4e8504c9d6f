/**
 * How far an error rate moves between two adjacent windows with no release in between, beyond counting noise. Minute
 * φ (dispersion.ts) sees only fast noise; slow wander moves whole windows, so a before/after test must allow for it or
 * it reads the wander as a change. Measured on the service's own history before the baseline: an A/A calibration.
 */
import type { EventCounts } from "./dispersion.ts";

export interface WindowWander {
  /** Extra variance of log(after rate ÷ before rate) between adjacent windows, beyond Poisson noise (τ²). */
  tau2: number;
  /** Window pairs the estimate rests on. */
  pairs: number;
}

/** Fewer pairs than this leave τ² unknown (0): the test then falls back on minute φ alone. */
export const MIN_WANDER_PAIRS = 8;

/**
 * Slides a (baseline-length, candidate-length) pair of windows over the history in steps and takes the moment estimate
 * τ² = mean(log-ratio²) − mean(Poisson variance), as DerSimonian & Laird (1986, Control. Clin. Trials 7) estimate
 * between-study variance. History is dense, oldest first, one entry per minute (exposure 0 for a silent minute).
 */
export function windowWander(history: readonly EventCounts[], baselineMinutes: number, candidateMinutes: number, step = 5): WindowWander {
  const n = history.length;
  const events = new Float64Array(n + 1), exposure = new Float64Array(n + 1);
  history.forEach((m, i) => {
    events[i + 1] = events[i]! + m.events;
    exposure[i + 1] = exposure[i]! + m.exposure;
  });
  const span = (from: number, to: number) => ({ e: events[to]! - events[from]!, x: exposure[to]! - exposure[from]! });
  let squares = 0, noise = 0, pairs = 0;
  for (let start = n - baselineMinutes - candidateMinutes; start >= 0; start -= step) {
    const before = span(start, start + baselineMinutes), after = span(start + baselineMinutes, start + baselineMinutes + candidateMinutes);
    if (before.x <= 0 || after.x <= 0 || before.e + after.e === 0) continue;
    // ½ on both counts (Haldane–Anscombe) keeps windows without errors finite, as logRateRatio in dispersion.ts does.
    const eb = before.e + 0.5, ea = after.e + 0.5;
    squares += (Math.log(ea / after.x) - Math.log(eb / before.x)) ** 2;
    noise += 1 / eb + 1 / ea;
    pairs++;
  }
  if (pairs < MIN_WANDER_PAIRS) return { tau2: 0, pairs };
  return { tau2: Math.max(0, (squares - noise) / pairs), pairs };
}
