import type { WeightedSample } from "./mann-whitney.ts";

export interface MixAdjusted {
  baseline: WeightedSample;
  candidate: WeightedSample;
  /** Share of the candidate's traffic on routes that the baseline also saw (the part that could be compared). */
  coverage: number;
  routes: number;
}

const total = (s: WeightedSample) => s.weights.reduce((a, b) => a + b, 0);

/**
 * Direct standardisation of the baseline to the candidate's route mix: each route's baseline histogram is reweighted
 * so that routes carry the candidate's shares, keeping the baseline's total count (Rothman, Modern Epidemiology, ch. 4).
 * Then a release that only sends more traffic to a slow route does not look slower. Routes seen on one side only are
 * left out and reported through `coverage`.
 */
export function standardizeToCandidateMix(baselineByRoute: ReadonlyMap<string, WeightedSample>, candidateByRoute: ReadonlyMap<string, WeightedSample>): MixAdjusted {
  const shared = [...candidateByRoute.keys()].filter((r) => baselineByRoute.has(r) && total(baselineByRoute.get(r)!) > 0 && total(candidateByRoute.get(r)!) > 0);
  const candTotal = [...candidateByRoute.values()].reduce((a, s) => a + total(s), 0);
  const sharedCand = shared.reduce((a, r) => a + total(candidateByRoute.get(r)!), 0);
  const sharedBase = shared.reduce((a, r) => a + total(baselineByRoute.get(r)!), 0);
  const bPoints: [number, number][] = [], cPoints: [number, number][] = [];
  for (const r of shared) {
    const b = baselineByRoute.get(r)!, c = candidateByRoute.get(r)!;
    const factor = (total(c) / sharedCand) * (sharedBase / total(b));
    b.values.forEach((v, i) => bPoints.push([v, (b.weights[i] ?? 0) * factor]));
    c.values.forEach((v, i) => cPoints.push([v, c.weights[i] ?? 0]));
  }
  const merge = (points: [number, number][]): WeightedSample => {
    points.sort((x, y) => x[0] - y[0]);
    const values: number[] = [], weights: number[] = [];
    for (const [v, w] of points) {
      if (values.length > 0 && values[values.length - 1] === v) weights[weights.length - 1]! += w;
      else {
        values.push(v);
        weights.push(w);
      }
    }
    return { values, weights };
  };
  return { baseline: merge(bPoints), candidate: merge(cPoints), coverage: candTotal > 0 ? sharedCand / candTotal : 0, routes: shared.length };
}
