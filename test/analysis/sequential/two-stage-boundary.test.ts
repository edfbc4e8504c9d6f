import { describe, expect, it } from "vitest";
import { boundariesFor, FAIL_SWITCH_MINUTES, failZAt, type BoundaryRow } from "../../../src/analysis/sequential/boundaries.ts";
import { type LookBaseline, runLooks } from "../../../src/analysis/sequential/group-sequential.ts";
import { ERROR_PLAN } from "../../../src/analysis/sequential/look-plan.ts";
import { ERROR_SETTINGS } from "./simulated-service.ts";

const ROWS: BoundaryRow[] = [
  { maxMinutes: 60, earlyFailZ: 5, failZ: 4, passZ: 2.5, source: "benchmark" },
  { maxMinutes: 240, earlyFailZ: 4.5, failZ: 3, passZ: 2.3, source: "benchmark" },
];
// 1 % errors at 300 rpm, a well-known baseline and a small wander: z grows with √t.
const BASELINE: LookBaseline = { rate: 0.01, varLog: 0.001, tau2: 0.002, events: 1000 };
const minutes = (n: number, errors: (minute: number) => number) => Array.from({ length: n }, (_, i) => ({ events: errors(i), exposure: 300 }));

describe("two-stage fail boundary", () => {
  it("reads the early z before the switch minute and the late z from it on", () => {
    const bounds = { failZ: 3, passZ: 2.3, earlyFailZ: 4.5, earlyUntilMinutes: 30 };
    expect([10, 25, 29, 30, 240].map((m) => failZAt(bounds, m))).toEqual([4.5, 4.5, 4.5, 3, 3]);
    expect(failZAt({ failZ: 3.5, passZ: 2 }, 10)).toBe(3.5);
    expect(failZAt({ failZ: 3, passZ: 2, earlyFailZ: 4 }, FAIL_SWITCH_MINUTES - 1)).toBe(4);
  });

  it("interpolates both fail z in log minutes and shifts both by the same normal-quantile difference for another alpha", () => {
    const mid = boundariesFor(120, 0.005, 0.05, ROWS);
    expect(mid.earlyFailZ).toBeCloseTo(4.75, 12);
    expect(mid.failZ).toBeCloseTo(3.5, 12);
    expect(mid.earlyUntilMinutes).toBe(FAIL_SWITCH_MINUTES);
    const strict = boundariesFor(240, 0.001, 0.05, ROWS);
    // Φ⁻¹(0.999) − Φ⁻¹(0.995) = 3.090232 − 2.575829 (scipy.stats.norm.ppf).
    expect(strict.failZ - 3).toBeCloseTo(0.514403, 5);
    expect(strict.earlyFailZ! - 4.5).toBeCloseTo(0.514403, 5);
    expect(boundariesFor(240, 0.005, 0.05, [{ maxMinutes: 240, failZ: 4, passZ: 2, source: "benchmark" }]).earlyFailZ).toBeUndefined();
  });

  it("does not fail a 3-minute ×3.7 error burst in the early looks that one constant at the late z fails", () => {
    // Minutes 5–7 at 3.7 % errors, the rest at the baseline's 1 %: 54 errors for 30 expected at 10 minutes (z ≈ 3.7).
    const burst = minutes(240, (m) => (m >= 5 && m < 8 ? 11 : 3));
    const rules = ERROR_SETTINGS;
    const oneConstant = runLooks(burst, ERROR_PLAN, 240, () => BASELINE, rules, { failZ: 3, passZ: 2.3 });
    expect(oneConstant).toMatchObject({ status: "fail", minutesUsed: 10 });
    const twoStage = runLooks(burst, ERROR_PLAN, 240, () => BASELINE, rules, { failZ: 3, passZ: 2.3, earlyFailZ: 4.5, earlyUntilMinutes: 30 });
    expect(twoStage.status).not.toBe("fail");
  });

  it("fails a sustained rise at the first look from the switch minute on, where the late z applies", () => {
    // ×1.6 from the start: z ≈ 2.8 at 25 minutes and 3.1 at 30 (under the early z, over the late one).
    const rise = minutes(240, () => 4.8);
    const run = runLooks(rise, ERROR_PLAN, 240, () => BASELINE, ERROR_SETTINGS, { failZ: 3, passZ: 2.3, earlyFailZ: 4.5, earlyUntilMinutes: 30 });
    expect(run).toMatchObject({ status: "fail", minutesUsed: 30 });
    expect(run.look.z).toBeGreaterThanOrEqual(3);
    const early = runLooks(rise.slice(0, 25), ERROR_PLAN, 240, () => BASELINE, ERROR_SETTINGS, { failZ: 3, passZ: 2.3, earlyFailZ: 4.5, earlyUntilMinutes: 30 });
    expect(early.status).toBe("continue");
  });
});
