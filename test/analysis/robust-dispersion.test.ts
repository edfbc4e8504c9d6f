import { describe, expect, it } from "vitest";
import { robustDispersion } from "../../src/analysis/classify-rate.ts";
import { poissonResidualMedian } from "../../src/analysis/poisson-residual-median.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

interface Fixture {
  chi2Median: number;
  single: { means: number[]; median: number }[];
  pooled: { means: number[]; median: number }[];
  robust: { mu: number; phi: number; blocks: [number, number][]; robustPhi: number }[];
}
const fixture = readFixture<Fixture>("stats/poisson-residual-median.json");

describe("poissonResidualMedian: exact median of (k − μ)²/μ under Poisson", () => {
  it.each([...fixture.single, ...fixture.pooled])("matches scipy.stats.poisson atoms for means $means", ({ means, median }) => {
    expectRelative(poissonResidualMedian(means), median, 1e-9, `median at ${means.join(", ")}`);
  });

  it("tends to the χ²₁ median at large counts and is far from it at a few events", () => {
    expect(Math.abs(poissonResidualMedian([1e4]) - fixture.chi2Median)).toBeLessThan(0.01);
    expect(poissonResidualMedian([1])).toBe(1);
  });
});

describe("robustDispersion: burst-resistant φ of 5-minute blocks", () => {
  it.each(fixture.robust)("matches the reference for μ = $mu, φ = $phi", ({ blocks, robustPhi }) => {
    expectRelative(robustDispersion(blocks.map(([events, exposure]) => ({ events, exposure }))), robustPhi, 1e-9, "robust φ");
  });

  it("gives φ ≈ 1 for pure Poisson blocks at every count (the χ²₁ constant gave 2.2 at 1 error a block, 1.76 at 5)", () => {
    const rng = seededSampler(11);
    for (const mu of [0.6, 1, 2, 5, 20, 100]) {
      const blocks = Array.from({ length: 4000 }, () => ({ events: rng.poisson(mu), exposure: 1000 }));
      expect(robustDispersion(blocks), `μ = ${mu}`).toBeLessThan(1.06);
    }
  });

  it("still measures real overdispersion: φ·Poisson(μ/φ) blocks at φ = 4 read about 4", () => {
    const rng = seededSampler(12);
    const blocks = Array.from({ length: 4000 }, () => ({ events: 4 * rng.poisson(50), exposure: 1000 }));
    expect(robustDispersion(blocks)).toBeGreaterThan(3.4);
    expect(robustDispersion(blocks)).toBeLessThan(4.6);
  });
});
