/**
 * (candidate − baseline) / |baseline|, so a rise is positive even for negative baselines. A zero baseline gives ±Infinity
 * for any non-zero candidate (a new error where there were none must never read as "no change") and 0 for 0 → 0.
 */
export function relativeChange(baseline: number, candidate: number): number {
  if (baseline === 0) return candidate === 0 ? 0 : candidate > 0 ? Infinity : candidate < 0 ? -Infinity : NaN;
  return (candidate - baseline) / Math.abs(baseline);
}

// Benjamini–Hochberg step-up FDR adjustment (Benjamini & Hochberg 1995; R's p.adjust(method = "BH")); NaN stays NaN and is not counted.
export function benjaminiHochberg(pValues: number[]): number[] {
  const adjusted = pValues.slice();
  const order = pValues.flatMap((p, i) => (Number.isNaN(p) ? [] : [i])).sort((a, b) => pValues[b]! - pValues[a]!);
  const n = order.length;
  if (n <= 1) return adjusted;
  let running = Infinity;
  order.forEach((index, position) => {
    running = Math.min(running, (n / (n - position)) * pValues[index]!);
    adjusted[index] = Math.min(1, running);
  });
  return adjusted;
}
