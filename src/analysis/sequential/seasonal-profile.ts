/**
 * A cycle's multiplicative factors (hour of day, day of week) from B whole cycles of history, shrunk toward flat by how
 * much of their spread the cycle-to-cycle noise explains: an empirical-Bayes (James–Stein type) moment shrinkage,
 * Efron & Morris (1975, JASA 70). Counting noise and the rate's own wander both show up in that noise, so a service
 * without a cycle gets an almost flat profile instead of last week's accidents.
 */

export interface SeasonalProfile {
  /** log factor per bin, centred on the bins' mean (the level carries the scale). */
  logFactors: Float64Array;
  /** Posterior variance of one bin's log factor (shrink weight × noise variance): part of var(log forecast). */
  variance: number;
  /** Shrink weight in [0, 1]: 0 flat, 1 the raw profile. */
  weight: number;
}

/** `events`/`exposure` hold blocks × bins cells, block-major (cell b·bins + k): block b is one whole cycle. */
export function shrunkProfile(events: Float64Array, exposure: Float64Array, blocks: number, bins: number): SeasonalProfile {
  const flat: SeasonalProfile = { logFactors: new Float64Array(bins), variance: 0, weight: 0 };
  const binEvents = new Float64Array(bins), binExposure = new Float64Array(bins);
  const blockEvents = new Float64Array(blocks), blockExposure = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < bins; k++) {
      const e = events[b * bins + k]!, n = exposure[b * bins + k]!;
      binEvents[k] = binEvents[k]! + e;
      binExposure[k] = binExposure[k]! + n;
      blockEvents[b] = blockEvents[b]! + e;
      blockExposure[b] = blockExposure[b]! + n;
    }
  }
  let totalEvents = 0, totalExposure = 0;
  for (let k = 0; k < bins; k++) {
    totalEvents += binEvents[k]!;
    totalExposure += binExposure[k]!;
  }
  if (totalExposure <= 0) return flat;
  const overall = Math.log((totalEvents + 0.5) / totalExposure);
  const raw = new Float64Array(bins);
  let valid = 0, rawSum = 0, noiseSum = 0, noiseBins = 0;
  for (let k = 0; k < bins; k++) {
    if (binExposure[k]! <= 0) continue;
    raw[k] = Math.log((binEvents[k]! + 0.5) / binExposure[k]!) - overall;
    rawSum += raw[k]!;
    valid++;
    // Noise of this bin's factor: the spread of its per-cycle log ratios, divided by the cycles it averages.
    let count = 0, sum = 0, sumSq = 0;
    for (let b = 0; b < blocks; b++) {
      const n = exposure[b * bins + k]!;
      if (n <= 0 || blockExposure[b]! <= 0) continue;
      const x = Math.log((events[b * bins + k]! + 0.5) / n) - Math.log((blockEvents[b]! + 0.5) / blockExposure[b]!);
      count++;
      sum += x;
      sumSq += x * x;
    }
    if (count >= 2) {
      noiseSum += (sumSq - (sum * sum) / count) / (count - 1) / count;
      noiseBins++;
    }
  }
  if (valid < 2 || noiseBins === 0) return flat;
  const mean = rawSum / valid, noise = noiseSum / noiseBins;
  let spread = 0;
  for (let k = 0; k < bins; k++) if (binExposure[k]! > 0) spread += (raw[k]! - mean) ** 2;
  const between = Math.max(0, spread / valid - noise);
  const weight = between + noise > 0 ? between / (between + noise) : 0;
  const logFactors = new Float64Array(bins);
  for (let k = 0; k < bins; k++) if (binExposure[k]! > 0) logFactors[k] = weight * (raw[k]! - mean);
  return { logFactors, variance: weight * noise, weight };
}
