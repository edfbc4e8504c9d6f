import { describe, expect, it } from "vitest";
import { ERROR_PLAN, LATENCY_PLAN, looksUpTo, maxMinutesFor, nextLookAfter } from "../../../src/analysis/sequential/look-plan.ts";

describe("look plan", () => {
  it("sets the maximum where about 100 events are expected, rounded up to the 5-minute look grid", () => {
    expect(maxMinutesFor(ERROR_PLAN, 3)).toBe(35); // 33.3 min
    expect(maxMinutesFor(ERROR_PLAN, 1)).toBe(100);
    expect(maxMinutesFor(ERROR_PLAN, 0.7)).toBe(145); // 142.9 min
  });

  it("clamps the maximum to 30 minutes – 4 hours for errors and to 2 hours for latency", () => {
    expect(maxMinutesFor(ERROR_PLAN, 50)).toBe(30);
    expect(maxMinutesFor(ERROR_PLAN, 0.05)).toBe(240);
    expect(maxMinutesFor(ERROR_PLAN, 0)).toBe(240);
    expect(maxMinutesFor(LATENCY_PLAN, 0.05)).toBe(120);
  });

  it("looks from the tenth minute every five minutes up to the data there is or the maximum", () => {
    expect(looksUpTo(ERROR_PLAN, 35, 7)).toEqual([]);
    expect(looksUpTo(ERROR_PLAN, 35, 27)).toEqual([10, 15, 20, 25]);
    expect(looksUpTo(ERROR_PLAN, 35, 500)).toEqual([10, 15, 20, 25, 30, 35]);
  });

  it("names the next look, and none after the maximum", () => {
    expect(nextLookAfter(ERROR_PLAN, 35, 3)).toBe(10);
    expect(nextLookAfter(ERROR_PLAN, 35, 17)).toBe(20);
    expect(nextLookAfter(ERROR_PLAN, 35, 35)).toBeNull();
  });
});
