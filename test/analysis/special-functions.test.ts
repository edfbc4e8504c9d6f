import { describe, expect, it } from "vitest";
import {
  betaQuantile,
  binomialCdf,
  binomialSf,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
} from "../../src/analysis/special-functions.ts";
import { expectAbsolute, expectRelative, readFixture } from "./reference-fixtures.ts";

interface SpecialFunctionFixture {
  logGamma: [number, number][];
  incompleteBeta: [number, number, number, number][];
  betaQuantile: [number, number, number, number][];
  normalCdf: [number, number][];
  normalQuantile: [number, number][];
  binomial: [number, number, number, number, number][];
}

const fixture = readFixture<SpecialFunctionFixture>("stats/special-functions.json");

describe("special functions against mpmath / scipy reference values", () => {
  it("logGamma matches mpmath to 1e-14 (relative, absolute near its zeros at 1 and 2)", () => {
    for (const [x, expected] of fixture.logGamma) {
      if (Math.abs(expected) < 1) expectAbsolute(logGamma(x), expected, 1e-14, `lnΓ(${x})`);
      else expectRelative(logGamma(x), expected, 1e-14, `lnΓ(${x})`);
    }
  });

  it("regularizedIncompleteBeta matches Boost's ibeta to 1e-12, including a = b = 1e5", () => {
    for (const [x, a, b, expected] of fixture.incompleteBeta) {
      expectRelative(regularizedIncompleteBeta(x, a, b), expected, 1e-12, `I_${x}(${a}, ${b})`);
    }
  });

  it("betaQuantile inverts the incomplete beta to 1e-12 at p = 1e-300 and p = 1 − 1e-12 (x ∝ p^(1/a) amplifies error by 1/a)", () => {
    for (const [p, a, b, expected] of fixture.betaQuantile) {
      expectRelative(betaQuantile(p, a, b), expected, 1e-12, `qbeta(${p}, ${a}, ${b})`);
    }
  });

  it("normalCdf keeps 1e-14 relative accuracy from z = −37.5 to 8.3 (a 4-digit table would fail at once)", () => {
    for (const [z, expected] of fixture.normalCdf) expectRelative(normalCdf(z), expected, 1e-14, `Φ(${z})`);
  });

  it("normalQuantile (AS241) matches to 1e-15 relative, from p = 1e-300 to 1 − 1e-12", () => {
    for (const [p, expected] of fixture.normalQuantile) expectRelative(normalQuantile(p), expected, 1e-15, `Φ⁻¹(${p})`);
  });

  it("binomialCdf and binomialSf match scipy, the upper tail computed directly rather than as 1 − CDF", () => {
    for (const [k, n, p, cdf, sf] of fixture.binomial) {
      expectRelative(binomialCdf(k, n, p), cdf, 1e-12, `P(X ≤ ${k}; ${n}, ${p})`);
      expectRelative(binomialSf(k, n, p), sf, 1e-12, `P(X ≥ ${k}; ${n}, ${p})`);
    }
  });

  it("edges: probabilities 0 and 1, degenerate binomials and invalid parameters", () => {
    expect([betaQuantile(0, 2, 3), betaQuantile(1, 2, 3)]).toEqual([0, 1]);
    expect(betaQuantile(0.5, -1, 3)).toBeNaN();
    expect(regularizedIncompleteBeta(0.5, 0, 3)).toBeNaN();
    expect([regularizedIncompleteBeta(0, 2, 3), regularizedIncompleteBeta(1, 2, 3)]).toEqual([0, 1]);
    expect([normalQuantile(0), normalQuantile(1), normalCdf(-Infinity), normalCdf(Infinity)]).toEqual([-Infinity, Infinity, 0, 1]);
    expect(normalQuantile(1.5)).toBeNaN();
    expect([binomialSf(0, 10, 0.3), binomialSf(11, 10, 0.3), binomialCdf(-1, 10, 0.3), binomialCdf(10, 10, 0.3)]).toEqual([1, 0, 0, 1]);
    expect([binomialCdf(0, 5, 0), binomialSf(5, 5, 1)]).toEqual([1, 1]);
    expect(logGamma(0)).toBe(Infinity);
  });
});
