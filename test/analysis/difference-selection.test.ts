import { describe, expect, it } from "vitest";
import { toCountedSample, type CountedSample } from "../../src/analysis/counted-sample.ts";
import { differenceMedian, differenceQuantile } from "../../src/analysis/difference-selection.ts";
import { minstd } from "./reference-fixtures.ts";

// Every pairwise difference with its weight, sorted: the brute-force answer the selection must reproduce.
function allDifferences(a: CountedSample, b: CountedSample): { value: number; cumulative: number }[] {
  const cells: { value: number; weight: number }[] = [];
  a.values.forEach((x, i) => b.values.forEach((y, j) => cells.push({ value: x - y, weight: a.counts[i]! * b.counts[j]! })));
  cells.sort((p, q) => p.value - q.value);
  let cumulative = 0;
  return cells.map((c) => ({ value: c.value, cumulative: (cumulative += c.weight) }));
}

function bruteQuantile(sorted: { value: number; cumulative: number }[], target: number, strict: boolean): number {
  return sorted.find((c) => (strict ? c.cumulative > target : c.cumulative >= target))?.value ?? sorted[sorted.length - 1]!.value;
}

function weightedSample(seed: number, n: number, levels: number, offset: number) {
  const values = minstd({ generator: "minstd", seed, n, offset, levels });
  const weights = minstd({ generator: "minstd", seed: seed + 1, n, offset: 1, levels: 9 });
  return toCountedSample({ values, weights }, "sample");
}

describe("weighted selection in the implicit matrix of pairwise differences", () => {
  it("finds the same order statistics as sorting all differences, across tie-heavy weighted samples", () => {
    for (const seed of [3, 17, 4242, 99991]) {
      const a = weightedSample(seed, 400, 300, 5), b = weightedSample(seed + 7, 300, 250, 0);
      expect(a.values.length * b.values.length).toBeGreaterThan(4096);
      const sorted = allDifferences(a, b);
      const total = a.total * b.total;
      for (const fraction of [0, 1e-6, 0.025, 0.3, 0.5, 0.77, 0.975, 1]) {
        for (const strict of [false, true]) {
          const target = fraction * total;
          expect(differenceQuantile(a, b, target, strict), `seed ${seed} at ${fraction}`).toBe(bruteQuantile(sorted, target, strict));
        }
      }
      const half = total / 2;
      expect(differenceMedian(a, b)).toBe((bruteQuantile(sorted, half, false) + bruteQuantile(sorted, half, true)) / 2);
    }
  });

  it("averages the two middle differences for an even count, as R's median does", () => {
    const a = toCountedSample([1, 2], "a"), b = toCountedSample([0, 10], "b");
    expect(differenceMedian(a, b)).toBe((-8 + 1) / 2);
  });

  it("returns the largest difference when the target exceeds the total weight", () => {
    const a = toCountedSample([1, 5], "a"), b = toCountedSample([0, 2], "b");
    expect(differenceQuantile(a, b, 5, false)).toBe(5);
  });
});
