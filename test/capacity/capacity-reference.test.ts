import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Design, LinearFit } from "../../src/analysis/capacity/capacity-types.ts";
import { leastSquares } from "../../src/analysis/capacity/least-squares.ts";
import { chowTest } from "../../src/analysis/capacity/release-comparison.ts";
import { huberFit } from "../../src/analysis/capacity/robust-fit.ts";

interface OlsRef { coefficients: number[]; se: number[]; ci_low: number[]; ci_high: number[]; p_value: number[]; r2: number; adj_r2: number; residual_sd: number; rss: number; df: number; vif?: number[]; condition_number?: number }
interface CaseRef { name: string; names: string[]; x: number[][]; y: number[]; ols: OlsRef; huber?: OlsRef }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/stats/capacity.json", import.meta.url), "utf8")) as {
  cases: CaseRef[];
  chow: { names: string[]; before: { x: number[][]; y: number[] }; after: { x: number[][]; y: number[] }; chow: { f: number; df1: number; df2: number; p_value: number } };
  nab: { files: string[]; n: number; ols: OlsRef; huber: OlsRef };
};

const design = (names: string[], x: number[][], y: number[]): Design => ({ names, x: x.map((c) => Float64Array.from(c)), y: Float64Array.from(y) });
const close = (actual: number, expected: number, rel = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

function expectMatches(fit: LinearFit, ref: OlsRef, rel = 1e-9) {
  fit.coefficients.forEach((c, j) => {
    close(c.estimate, ref.coefficients[j]!, rel);
    close(c.se, ref.se[j]!, rel * 10);
    close(c.ci_low, ref.ci_low[j]!, rel * 10);
    close(c.ci_high, ref.ci_high[j]!, rel * 10);
  });
  close(fit.r2, ref.r2, rel);
  close(fit.residual_sd, ref.residual_sd, rel);
  expect(fit.df).toBe(ref.df);
}

describe("capacity regression against numpy/scipy (scripts/reference/capacity_reference.py)", () => {
  for (const c of fixture.cases) {
    it(`${c.name}: coefficients, SE, CI, p-values, R², adjusted R², residual SD match numpy's lstsq`, () => {
      const { fit } = leastSquares(design(c.names, c.x, c.y));
      expectMatches(fit, c.ols);
      close(fit.adj_r2, c.ols.adj_r2);
      fit.coefficients.forEach((k, j) => close(k.p_value, c.ols.p_value[j]!, 1e-7));
      if (c.ols.vif) c.names.forEach((n, j) => close(fit.vif[n]!, c.ols.vif![j]!, 1e-7));
      if (c.ols.condition_number) close(fit.condition_number, c.ols.condition_number, 1e-7);
    });
  }

  it("warns about collinear volumes by VIF and condition number, and names them", () => {
    const c = fixture.cases.find((k) => k.name === "collinear")!;
    const { fit } = leastSquares(design(c.names, c.x, c.y));
    expect(fit.warnings.join(" ")).toMatch(/volumes move together \(condition number 41\.8; VIF above 10 for orders, refunds, api_calls\)/);
  });

  it("the Huber IRLS fit matches an independent numpy IRLS and resists the CPU spikes that pull OLS", () => {
    const c = fixture.cases.find((k) => k.name === "outliers")!;
    const { fit } = huberFit(design(c.names, c.x, c.y));
    fit.coefficients.forEach((k, j) => close(k.estimate, c.huber!.coefficients[j]!, 1e-7));
    expect(Math.abs(fit.coefficients[2]!.estimate - 0.267)).toBeLessThan(Math.abs(c.ols.coefficients[2]! - 0.267));
    expect(fit.robust!.downweighted).toBeGreaterThan(0);
  });

  it("the Chow F and p-value match scipy", () => {
    const { names, before, after, chow } = fixture.chow;
    const t = chowTest(design(names, before.x, before.y), design(names, after.x, after.y));
    close(t.f, chow.f);
    expect([t.df1, t.df2]).toEqual([chow.df1, chow.df2]);
    close(t.p_value, chow.p_value, 1e-6);
  });

  it("rejects what cannot be fitted with a reason instead of a number", () => {
    const y = [1, 2, 3, 4, 5];
    expect(() => leastSquares(design(["a"], [[1, 2]], [1, 2]))).toThrow(/2 points cannot fit 2 coefficients/);
    expect(() => leastSquares(design(["a"], [[3, 3, 3, 3, 3]], y))).toThrow(/a does not vary/);
    expect(() => leastSquares(design(["a", "b"], [[1, 2, 3, 4, 5], [2, 4, 6, 8, 10]], y))).toThrow(/exactly collinear/);
    expect(leastSquares(design(["a"], [[1, 2, 3, 5, 4]], y)).fit.warnings).toContain("Only 5 points for 2 coefficients; at least 20 are advisable.");
  });
});

const NAB_DIR = new URL("../fixtures/nab/", import.meta.url);
describe("fit on real, messy data: NAB realTraffic speed against occupancy (sensor 6005)", () => {
  const read = (file: string) => new Map(readFileSync(new URL(file, NAB_DIR), "utf8").trim().split("\n").slice(1).map((l) => {
    const [t, v] = l.split(",");
    return [t!, Number(v)] as const;
  }));

  it("OLS and Huber match numpy on the joined pairs, with the low R² the data really has", () => {
    const occupancy = read(fixture.nab.files[0]!), speed = read(fixture.nab.files[1]!);
    const stamps = [...occupancy.keys()].filter((t) => speed.has(t)).sort();
    const d = design(["occupancy"], [stamps.map((t) => occupancy.get(t)!)], stamps.map((t) => speed.get(t)!));
    expect(stamps.length).toBe(fixture.nab.n);
    expectMatches(leastSquares(d).fit, fixture.nab.ols, 1e-8);
    const robust = huberFit(d).fit;
    robust.coefficients.forEach((k, j) => close(k.estimate, fixture.nab.huber.coefficients[j]!, 1e-6));
    expect(robust.r2).toBeLessThan(0.5);
    expect(robust.warnings.some((w) => /down-weighted as outliers/.test(w))).toBe(true);
  });
});
