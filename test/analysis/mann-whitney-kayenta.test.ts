import { describe, expect, it } from "vitest";
import { toCountedSample } from "../../src/analysis/counted-sample.ts";
import { mannWhitney } from "../../src/analysis/mann-whitney.ts";
import { normalQuantile } from "../../src/analysis/normal-distribution.ts";
import { rootShiftInterval, shiftedZ } from "../../src/analysis/shift-interval.ts";
import { zeroin } from "../../src/analysis/zeroin-root-finder.ts";
import { expectAbsolute, readFixture } from "./reference-fixtures.ts";

// Kayenta's "experiment" is our candidate and "control" our baseline; wdiff entries use x = experiment, y = control.
interface KayentaVector {
  name: string;
  x?: number[];
  y?: number[];
  experiment?: number[];
  control?: number[];
  confidenceLevel?: number;
  expected: Record<string, number> | { mu: number; zq: number; value: number; tolerance: number }[] | { p: number; value: number }[];
}

const vectors = readFixture<{ mannWhitney: KayentaVector[] }>("kayenta/mann-whitney-vectors.json").mannWhitney;
const vector = (prefix: string): KayentaVector => vectors.find((v) => v.name === prefix)!;
const intervalCases = vectors.filter((v) => v.name.startsWith("Mann-Whitney Confidence Interval & Estimate"));
const asWeighted = (values: number[]) => ({ values, weights: values.map(() => 1) });

describe("Mann–Whitney against Kayenta's R-checked vectors", () => {
  it("R's wdiff (corrected z of the shifted candidate) matches at mu = 0 and mu = 5", () => {
    const v = vector("Wilcoxon Diff Function");
    const z = shiftedZ(toCountedSample(v.x!, "x"), toCountedSample(v.y!, "y"), "two-sided", true);
    for (const e of v.expected as { mu: number; zq: number; value: number }[]) expectAbsolute(z(e.mu, e.zq), e.value, 1e-6, `wdiff(${e.mu})`);
  });

  it("the z quantile for alpha/2 = 0.01 is −2.326348", () => {
    expectAbsolute(normalQuantile(0.01), -2.326348, 1e-6, "qnorm(0.01)");
  });

  it.each(intervalCases)("interval to 1e-6 and estimate to 1e-4 for plain arrays: $name", (v) => {
    const e = v.expected as Record<string, number>;
    const result = mannWhitney(v.control!, v.experiment!, { alternative: "two-sided", confidence: v.confidenceLevel! });
    expectAbsolute(result.shiftLow, e.ciLow!, 1e-6, "ciLow");
    expectAbsolute(result.shiftHigh, e.ciHigh!, 1e-6, "ciHigh");
    expectAbsolute(result.shift, e.estimate!, 1e-4, "estimate");
  });

  it("R's intermediate values: search range, z at its ends, both roots and the uniroot estimate", () => {
    const v = vector("Mann-Whitney Intermediate Values / Variables");
    const e = v.expected as Record<string, number>;
    const x = toCountedSample(v.x!, "x"), y = toCountedSample(v.y!, "y");
    const muMin = x.values[0]! - y.values[y.values.length - 1]!, muMax = x.values[x.values.length - 1]! - y.values[0]!;
    expect([muMin, muMax]).toEqual([e.muMin, e.muMax]);
    expectAbsolute(-normalQuantile(0.025), e.zqLower!, 1e-15, "zq lower");
    const z = shiftedZ(x, y, "two-sided", true);
    expectAbsolute(z(muMin, e.zqLower!), e["fLower1 (wilcoxonDiff(muMin,zqLower))"]!, 1e-6, "fLower1");
    expectAbsolute(z(muMax, e.zqLower!), e["fUpper1 (wilcoxonDiff(muMax,zqLower))"]!, 1e-6, "fUpper1");
    expectAbsolute(z(muMin, e.zqUpper!), e["fLower2 (wilcoxonDiff(muMin,zqUpper))"]!, 1e-6, "fLower2");
    expectAbsolute(z(muMax, e.zqUpper!), e["fUpper2 (wilcoxonDiff(muMax,zqUpper))"]!, 1e-6, "fUpper2");
    const interval = rootShiftInterval(x, y, "two-sided", v.confidenceLevel!, true);
    expectAbsolute(interval.low, e["ciLower (root with zqLower)"]!, 1e-6, "ciLower");
    expectAbsolute(interval.high, e["ciUpper (root with zqUpper)"]!, 1e-6, "ciUpper");
    const estimate = zeroin((d) => z(d, 0), muMin, muMax, z(muMin, 0), z(muMax, 0), { tolerance: 1e-4, maxIterations: 1000 });
    expectAbsolute(estimate, e["estimate (root with zq=0)"]!, 1e-6, "uniroot estimate");
  });

  it.each(intervalCases)("as a WeightedSample the bounds are the exact jump points R's root approximates to 1e-4: $name", (v) => {
    const e = v.expected as Record<string, number>;
    const options = { alternative: "two-sided" as const, confidence: v.confidenceLevel! };
    const weighted = mannWhitney(asWeighted(v.control!), asWeighted(v.experiment!), options);
    const raw = mannWhitney(v.control!, v.experiment!, options);
    expect(weighted.pValue).toBe(raw.pValue);
    expect(weighted.shift).toBe(raw.shift);
    expectAbsolute(weighted.shiftLow, e.ciLow!, 1e-4, "ciLow");
    expectAbsolute(weighted.shiftHigh, e.ciHigh!, 1e-4, "ciHigh");
    if (weighted.method === "normal") {
      const z = shiftedZ(toCountedSample(v.experiment!, "x"), toCountedSample(v.control!, "y"), "two-sided", true);
      const zq = -normalQuantile((1 - v.confidenceLevel!) / 2);
      const step = 1e-9 * Math.max(1, Math.abs(weighted.shiftLow));
      expect(z(weighted.shiftLow - step, zq)).toBeGreaterThan(0);
      expect(z(weighted.shiftLow + step, zq)).toBeLessThanOrEqual(0);
      expect(z(weighted.shiftHigh - step, -zq)).toBeGreaterThan(0);
      expect(z(weighted.shiftHigh + step, -zq)).toBeLessThanOrEqual(0);
    }
  });
});
