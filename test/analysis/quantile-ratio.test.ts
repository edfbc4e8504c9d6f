import { describe, expect, it } from "vitest";
import { orderStatisticRanks, quantileInterval, quantileRatio } from "../../src/analysis/quantile-ratio.ts";
import { bucketOf, emptyDense, type DenseHistogram } from "../../src/telemetry/latency-histogram.ts";
import { seededSampler } from "../support/seeded-sampler.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";

interface RankCase { n: number; q: number; confidence: number; rankLow: number; rankHigh: number }
interface QuantileCase {
  name: string;
  counts: Record<string, number>;
  q: number;
  confidence: number;
  expected: { rankLow: number; rankHigh: number; value: number; low: number; high: number };
}

const fixture = readFixture<{ ranks: RankCase[]; quantiles: QuantileCase[] }>("stats/latency-sequential.json");

function dense(counts: Record<string, number>): DenseHistogram {
  const h = emptyDense();
  for (const [b, c] of Object.entries(counts)) h[Number(b)] = c;
  return h;
}

const Z95 = 1.6448536269514722;

function lognormalHistogram(rng: ReturnType<typeof seededSampler>, n: number, medianMs: number, sd: number): DenseHistogram {
  const h = emptyDense();
  for (let i = 0; i < n; i++) h[bucketOf(medianMs * Math.exp(sd * rng.normal()))]! += 1;
  return h;
}

describe("order-statistic ranks against scipy.stats.binom", () => {
  for (const c of fixture.ranks) {
    it(`n ${c.n}, q ${c.q}, ${c.confidence}`, () => {
      expect(orderStatisticRanks(c.n, c.q, c.confidence)).toEqual({ rankLow: c.rankLow, rankHigh: c.rankHigh });
    });
  }
});

describe("histogram quantile intervals against the reference", () => {
  for (const c of fixture.quantiles) {
    it(c.name, () => {
      const r = quantileInterval(dense(c.counts), c.q, c.confidence)!;
      expect([r.rankLow, r.rankHigh]).toEqual([c.expected.rankLow, c.expected.rankHigh]);
      expectRelative(r.value, c.expected.value, 1e-12, "value");
      expectRelative(r.low, c.expected.low, 1e-12, "low");
      expectRelative(r.high, c.expected.high, 1e-12, "high");
    });
  }
});

describe("p95 interval and ratio", () => {
  it("covers the true log-normal p95 in at least 93 % of 1,000 seeded draws at 95 %", () => {
    const truth = 100 * Math.exp(0.5 * Z95);
    let covered = 0, ratioCovered = 0;
    const rng = seededSampler(95);
    for (let i = 0; i < 1000; i++) {
      const base = lognormalHistogram(rng, 300, 100, 0.5), cand = lognormalHistogram(rng, 200, 125, 0.5);
      const b = quantileInterval(base, 0.95, 0.95)!;
      if (b.low <= truth && truth <= b.high) covered++;
      const r = quantileRatio(base, cand)!;
      if (r.low <= 1.25 && 1.25 <= r.high) ratioCovered++;
    }
    expect(covered / 1000).toBeGreaterThanOrEqual(0.93);
    expect(ratioCovered / 1000).toBeGreaterThanOrEqual(0.95);
  });

  it("reads a +25 % p95 as a ratio near 1.25 on large histograms", () => {
    const rng = seededSampler(3);
    const r = quantileRatio(lognormalHistogram(rng, 50000, 100, 0.5), lognormalHistogram(rng, 50000, 125, 0.5))!;
    expect(r.ratio).toBeGreaterThan(1.2);
    expect(r.ratio).toBeLessThan(1.3);
    expect(r.low).toBeLessThan(r.ratio);
    expect(r.high).toBeGreaterThan(r.ratio);
  });

  it("has no ratio for an empty histogram", () => {
    expect(quantileRatio(emptyDense(), dense({ 100: 5 }))).toBeUndefined();
  });
});
