import type { CountedSample } from "./counted-sample.ts";

// Below this many candidate cells the search stops narrowing and sorts what is left.
const SORT_LIMIT = 256;

/**
 * The pairwise differences candidate[i] − baseline[j], each weighted count[i]·count[j], form a matrix sorted along both
 * axes once the baseline is taken in descending order, so it is never built. Each row keeps a window [left, right) of
 * cells that may still hold the answer; `below` is the weight of everything left of the windows. A query returns the
 * smallest difference whose cumulative weight reaches the target (exceeds it, when strict); each round costs O(m + k).
 */
interface Search {
  a: Float64Array;
  aw: Float64Array;
  c: Float64Array;
  cumulative: Float64Array;
  left: Int32Array;
  right: Int32Array;
  below: number;
  seed: number;
}

function search(candidate: CountedSample, baseline: CountedSample): Search {
  const k = baseline.values.length;
  const c = Float64Array.from(baseline.values).reverse();
  const cw = Float64Array.from(baseline.counts).reverse();
  const cumulative = new Float64Array(k + 1);
  for (let j = 0; j < k; j++) cumulative[j + 1] = cumulative[j]! + cw[j]!;
  const m = candidate.values.length;
  return { a: candidate.values, aw: candidate.counts, c, cumulative, left: new Int32Array(m), right: new Int32Array(m).fill(k), below: 0, seed: 20240611 };
}

// A pseudo-random remaining cell (fixed-seed MINSTD, so results are reproducible): Monahan's random pivot.
function pivotOf(s: Search, cells: number): number {
  s.seed = (s.seed * 48271) % 2147483647;
  let rank = Math.floor((s.seed / 2147483647) * cells);
  for (let i = 0; i < s.a.length; i++) {
    const width = s.right[i]! - s.left[i]!;
    if (rank < width) return s.a[i]! - s.c[s.left[i]! + rank]!;
    rank -= width;
  }
  throw new Error("pivot rank outside the remaining cells");
}

// Per row, the first column whose difference reaches the pivot (below) and exceeds it (atOrBelow), by one staircase walk.
function partition(s: Search, pivot: number, below: Int32Array, atOrBelow: Int32Array): void {
  let p = s.c.length, q = s.c.length;
  for (let i = 0; i < s.a.length; i++) {
    const ai = s.a[i]!;
    while (p > 0 && ai - s.c[p - 1]! >= pivot) p--;
    while (q > 0 && ai - s.c[q - 1]! > pivot) q--;
    const from = s.left[i]!, to = s.right[i]!;
    below[i] = Math.min(Math.max(p, from), to);
    atOrBelow[i] = Math.min(Math.max(q, from), to);
  }
}

function sortRemaining(s: Search, reached: (weight: number) => boolean): number {
  const cells: { value: number; weight: number }[] = [];
  for (let i = 0; i < s.a.length; i++) {
    for (let j = s.left[i]!; j < s.right[i]!; j++) cells.push({ value: s.a[i]! - s.c[j]!, weight: s.aw[i]! * (s.cumulative[j + 1]! - s.cumulative[j]!) });
  }
  cells.sort((x, y) => x.value - y.value);
  let weight = s.below;
  for (const cell of cells) {
    weight += cell.weight;
    if (reached(weight)) return cell.value;
  }
  return cells.length > 0 ? cells[cells.length - 1]!.value : NaN;
}

// Weighted order statistic of candidate − baseline by selection in the implicit sorted X − Y matrix (Monahan 1984, TOMS Alg. 616).
export function differenceQuantile(candidate: CountedSample, baseline: CountedSample, target: number, strict: boolean): number {
  const reached = (weight: number): boolean => (strict ? weight > target : weight >= target);
  if (!reached(candidate.total * baseline.total)) return candidate.values[candidate.values.length - 1]! - baseline.values[0]!;
  const s = search(candidate, baseline);
  const m = s.a.length;
  const below = new Int32Array(m), atOrBelow = new Int32Array(m);
  for (;;) {
    let cells = 0;
    for (let i = 0; i < m; i++) cells += s.right[i]! - s.left[i]!;
    if (cells <= SORT_LIMIT) return sortRemaining(s, reached);
    const pivot = pivotOf(s, cells);
    partition(s, pivot, below, atOrBelow);
    let weightBelow = s.below, weightAtOrBelow = s.below;
    for (let i = 0; i < m; i++) {
      const base = s.cumulative[s.left[i]!]!;
      weightBelow += s.aw[i]! * (s.cumulative[below[i]!]! - base);
      weightAtOrBelow += s.aw[i]! * (s.cumulative[atOrBelow[i]!]! - base);
    }
    if (reached(weightBelow)) s.right.set(below);
    else if (reached(weightAtOrBelow)) return pivot;
    else {
      s.left.set(atOrBelow);
      s.below = weightAtOrBelow;
    }
  }
}

/** Weight of the differences ≤ d, and the smallest difference > d, by one staircase walk over the implicit matrix. */
function around(candidate: CountedSample, baseline: CountedSample, d: number): { atOrBelow: number; next: number } {
  const a = candidate.values, aw = candidate.counts, c = baseline.values, cw = baseline.counts, k = c.length;
  const suffix = new Float64Array(k + 1);
  for (let t = k - 1; t >= 0; t--) suffix[t] = suffix[t + 1]! + cw[t]!;
  let atOrBelow = 0, next = Infinity, first = k;
  // Going down the candidate values, the baseline values c with a − c ≤ d (c ≥ a − d, c ascending) only grow in number.
  for (let i = a.length - 1; i >= 0; i--) {
    while (first > 0 && a[i]! - c[first - 1]! <= d) first--;
    atOrBelow += aw[i]! * suffix[first]!;
    if (first > 0) next = Math.min(next, a[i]! - c[first - 1]!);
  }
  return { atOrBelow, next };
}

// Hodges–Lehmann estimate: weighted median of all pairwise differences, averaging the two middle ones (Hodges & Lehmann 1963).
export function differenceMedian(candidate: CountedSample, baseline: CountedSample): number {
  const half = (candidate.total * baseline.total) / 2;
  const lower = differenceQuantile(candidate, baseline, half, false);
  // The upper middle is the same difference unless the lower one ends exactly at half the weight.
  const { atOrBelow, next } = around(candidate, baseline, lower);
  return atOrBelow > half || !Number.isFinite(next) ? lower : (lower + next) / 2;
}
