import { describe, expect, it } from "vitest";
import { benjaminiHochberg, relativeChange } from "../../src/analysis/effect-size.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";

const vectors = readFixture<{ pValues: number[]; expected: number[] }[]>("stats/benjamini-hochberg.json");

describe("relativeChange", () => {
  it("is (candidate − baseline) / |baseline|", () => {
    expect(relativeChange(200, 250)).toBe(0.25);
    expect(relativeChange(-4, -2)).toBe(0.5);
    expect(relativeChange(10, 5)).toBe(-0.5);
  });

  it("never reads a change from zero as 'no change': ±Infinity, and 0 only for 0 → 0", () => {
    expect(relativeChange(0, 3)).toBe(Infinity);
    expect(relativeChange(0, -3)).toBe(-Infinity);
    expect(relativeChange(0, 0)).toBe(0);
    expect(relativeChange(0, Number.NaN)).toBeNaN();
  });
});

describe("benjaminiHochberg", () => {
  it.each(vectors)("matches scipy's false_discovery_control (= R's p.adjust BH) for %#", ({ pValues, expected }) => {
    benjaminiHochberg(pValues).forEach((q, i) => expectRelative(q, expected[i]!, 1e-15, `q[${i}]`));
  });

  it("leaves NaN in place, uncounted, and a single p-value unchanged", () => {
    const adjusted = benjaminiHochberg([0.01, Number.NaN, 0.04]);
    expect(adjusted[1]).toBeNaN();
    expect([adjusted[0], adjusted[2]]).toEqual([0.02, 0.04]);
    expect(benjaminiHochberg([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
