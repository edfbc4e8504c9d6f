import { describe, expect, it } from "vitest";
import { countNoise, haldaneSquareExact } from "../../../src/analysis/sequential/aa-wander.ts";
import { countLogVariance, judgeLook } from "../../../src/analysis/sequential/group-sequential.ts";
import { readFixture } from "../reference-fixtures.ts";
import { ERROR_SETTINGS } from "./simulated-service.ts";

interface Case { mean: number; count: number; exactZ: number; devianceZ: number; waldZ: number }
const { cases } = readFixture<{ cases: Case[] }>("stats/count-variance.json");

// A count against a known mean: no wander, no baseline noise, and a baseline so large the monotone envelope is idle.
const EXPOSURE = 10_000;
const zOf = (c: Case) =>
  judgeLook(30, c.count, EXPOSURE, { rate: c.mean / EXPOSURE, varLog: 0, tau2: 0, events: 1e12 }, ERROR_SETTINGS, { failZ: 99, passZ: 2 }).z;

describe("the count's log variance under the hypothesis tested (scripts/reference/generate_count_variance_fixtures.py)", () => {
  it("reads a rise closer to the exact Poisson tail than the observed-count Wald z, at every count", () => {
    for (const c of cases) {
      expect(Math.abs(zOf(c) - c.exactZ), `${c.count} against ${c.mean}`).toBeLessThan(Math.abs(c.waldZ - c.exactZ));
      expect(Math.abs(zOf(c) - c.waldZ)).toBeGreaterThan(0.05);
    }
  });

  it("is within 0.25 of the exact tail's z where boundaries live (z 2–6) from 5 expected events on", () => {
    const near = cases.filter((c) => c.mean >= 5 && c.exactZ >= 2 && c.exactZ <= 6);
    expect(near.length).toBeGreaterThanOrEqual(6);
    for (const c of near) expect(Math.abs(zOf(c) - c.exactZ), `${c.count} against ${c.mean}`).toBeLessThan(0.25);
  });

  it("is the observed count's variance when the count is what was expected, and shrinks with the hypothesized mean", () => {
    expect(countLogVariance(20, 20)).toBeCloseTo(1 / 20.5, 12);
    // 1 / (x^(2/3) · m^(1/3)): a doubling's mean (the pass side) gives a smaller variance than the baseline's (the fail side).
    expect(countLogVariance(10, 20)).toBeCloseTo(1 / Math.cbrt(10.5 ** 2 * 20.5), 12);
    expect(countLogVariance(10, 20)).toBeLessThan(countLogVariance(10, 10));
  });
});

describe("the no-wander mean square of an A/A window (aa-wander.ts)", () => {
  const { haldaneSquares } = readFixture<{ haldaneSquares: { mean: number; haldaneSquare: number; meanInverse: number }[] }>("stats/count-variance.json");

  it("is E[log((X + ½)/μ)²] for X ~ Poisson(μ), to 1e-12 (scipy), and the engine's table to 1e-5", () => {
    for (const { mean, haldaneSquare } of haldaneSquares) {
      expect(Math.abs(haldaneSquareExact(mean) / haldaneSquare - 1), `μ ${mean}`).toBeLessThan(1e-12);
      expect(Math.abs(countNoise(0, mean) / haldaneSquare - 1), `μ ${mean}`).toBeLessThan(1e-5);
    }
  });

  it("differs from the mean of 1/(X + ½) where a window holds well under one expected error, and agrees above a few", () => {
    const at = (mu: number) => haldaneSquares.find((c) => c.mean === mu)!;
    expect(at(0.04).haldaneSquare).toBeGreaterThan(3 * at(0.04).meanInverse);
    expect(at(0.3).haldaneSquare).toBeLessThan(0.6 * at(0.3).meanInverse);
    expect(Math.abs(at(10).haldaneSquare / at(10).meanInverse - 1)).toBeLessThan(0.01);
  });
});
