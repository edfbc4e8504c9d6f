import type { Design } from "./capacity-types.ts";

const MINUTE = 60_000;

export interface MinuteSeries {
  /** The resource's mean per minute start (ms). */
  resource: ReadonlyMap<number, number>;
  /** Each volume's count per minute start, in the order of `names`. */
  volumes: readonly ReadonlyMap<number, number>[];
  names: readonly string[];
}

export interface Resampled extends Design {
  /** Start of each kept interval (ms). */
  t: Float64Array;
}

/**
 * Per-minute data to one row per interval of [start, end): volumes as their rate per minute over the interval (so the
 * coefficients do not depend on the interval), the resource averaged. An interval is kept when the resource and at
 * least one volume have data in it; a volume minute with no sample counts as zero: idle counters are often not pushed.
 */
export function resample(series: MinuteSeries, start: number, end: number, intervalMinutes: number): Resampled {
  const step = intervalMinutes * MINUTE;
  const slots = Math.max(0, Math.floor((end - start) / step));
  const t: number[] = [], y: number[] = [];
  const x: number[][] = series.names.map(() => []);
  for (let s = 0; s < slots; s++) {
    const from = start + s * step;
    let resourceSum = 0, resourceN = 0, anyVolume = false;
    const sums = new Array<number>(series.names.length).fill(0);
    for (let m = from; m < from + step; m += MINUTE) {
      const r = series.resource.get(m);
      if (r !== undefined) {
        resourceSum += r;
        resourceN++;
      }
      series.volumes.forEach((v, j) => {
        const c = v.get(m);
        if (c !== undefined) {
          sums[j]! += c;
          anyVolume = true;
        }
      });
    }
    if (resourceN === 0 || !anyVolume) continue;
    t.push(from);
    y.push(resourceSum / resourceN);
    sums.forEach((c, j) => x[j]!.push(c / intervalMinutes));
  }
  return { names: series.names, t: Float64Array.from(t), y: Float64Array.from(y), x: x.map((col) => Float64Array.from(col)) };
}
