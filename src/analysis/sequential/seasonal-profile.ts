/**
 * A cycle's multiplicative factors (hour of day, day of week) from B whole cycles of history, smoothed frequency by
 * frequency: the per-bin log factors go through an orthonormal real Fourier transform and each harmonic is kept in
 * proportion to how far its power stands above the cycle-to-cycle noise — an empirical Wiener filter, whose gain
 * S/(S + N) is the moment (empirical-Bayes) shrinkage of Efron & Morris (1975, JASA 70) applied per harmonic. A smooth
 * daily swing lives in one or two harmonics and survives almost whole; the noise of 3 days spread over the other 22
 * dimensions is mostly removed, so the profile adds far less variance than 24 separately shrunk bins (review §4.1:
 * level + daily + weekly). Counting noise and the rate's own wander both show up in that noise, so a service without a
 * cycle gets an almost flat profile instead of last week's accidents.
 */

export interface SeasonalProfile {
  /** log factor per bin, centred on the bins' mean (the level carries the scale). */
  logFactors: Float64Array;
  /** Posterior variance of one bin's log factor, averaged over the bins: part of var(log forecast). */
  variance: number;
  /** Share of the cycle's non-constant dimensions kept (Σ gains ÷ (bins − 1)): 0 flat, 1 the raw profile. */
  weight: number;
}

/** One harmonic of an orthonormal real Fourier basis over `bins` points: a cosine and (below Nyquist) a sine. */
export interface Harmonic {
  cos: number;
  sin: number;
  /** 2, or 1 for the Nyquist harmonic of an even number of bins (its sine is zero at every bin). */
  dims: 1 | 2;
}

function basis(bins: number, j: number, k: number): { c: number; s: number; dims: 1 | 2 } {
  const dims = 2 * j === bins ? 1 : 2, scale = Math.sqrt(dims / bins), angle = (2 * Math.PI * j * k) / bins;
  return { c: scale * Math.cos(angle), s: dims === 2 ? scale * Math.sin(angle) : 0, dims };
}

/** Harmonics 1 … ⌊bins/2⌋ of `x` in the orthonormal basis (so white noise of variance σ² gives each coefficient σ²). */
export function realFourier(x: ArrayLike<number>): Harmonic[] {
  const bins = x.length, out: Harmonic[] = [];
  for (let j = 1; 2 * j <= bins; j++) {
    let cos = 0, sin = 0, dims: 1 | 2 = 2;
    for (let k = 0; k < bins; k++) {
      const b = basis(bins, j, k);
      cos += b.c * x[k]!;
      sin += b.s * x[k]!;
      dims = b.dims;
    }
    out.push({ cos, sin, dims });
  }
  return out;
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
  // A bin never served sits at the cycle's mean; the filter then fills it from its neighbours' harmonics.
  const mean = rawSum / valid, noise = noiseSum / noiseBins;
  for (let k = 0; k < bins; k++) raw[k] = binExposure[k]! > 0 ? raw[k]! - mean : 0;
  const logFactors = new Float64Array(bins);
  let kept = 0;
  realFourier(raw).forEach((h, i) => {
    const power = (h.cos * h.cos + h.sin * h.sin) / h.dims;
    const between = Math.max(0, power - noise);
    const gain = between + noise > 0 ? between / (between + noise) : 0;
    if (gain === 0) return;
    kept += gain * h.dims;
    for (let k = 0; k < bins; k++) {
      const b = basis(bins, i + 1, k);
      logFactors[k] = logFactors[k]! + gain * (h.cos * b.c + h.sin * b.s);
    }
  });
  // Each kept coefficient has posterior variance gain·noise; an orthonormal basis spreads it evenly over the bins.
  return { logFactors, variance: (noise * kept) / bins, weight: kept / (bins - 1) };
}
