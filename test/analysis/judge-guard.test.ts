import { describe, expect, it } from "vitest";
import { rawSample } from "../../src/analysis/classify-distribution.ts";
import { judge, type SignalInput } from "../../src/analysis/judge.ts";
import type { VerdictStatus } from "../../src/analysis/score.ts";

const T = { pass: 90, warn: 60 };
// The shipped default rule's error-rate signal, 30 minutes into the window.
const errorSettings = {
  direction: "increase" as const, fail: { relative: 0.5, absolute: 0.001 }, warn: { relative: 0.25, absolute: 0.0005 },
  detect: { relative: 1, absolute: 0.001 }, minSamples: 200, confidence: 0.99, candidateMinutes: 30,
};
const latencySettings = { direction: "increase" as const, fail: { relative: 0.2, absolute: 10 }, minSamples: 100, confidence: 0.99, candidateMinutes: 30 };

function errors(b: number, bx: number, c: number, cx: number, extra: Partial<Extract<SignalInput["data"], { kind: "rate" }>> = {}): SignalInput {
  return {
    name: "error_rate", settings: errorSettings, weight: 2, critical: true, noData: "hold",
    data: { kind: "rate", baseline: { events: b, exposure: bx }, candidate: { events: c, exposure: cx }, ...extra },
  };
}

// How good a verdict looks for the release: a pass beats a hold (undecided), which beats a warn or fail (evidence of harm).
const GOODNESS: Record<VerdictStatus, number> = { pass: 3, hold: 2, warn: 1, fail: 0 };

describe("judge: the verdict is monotone in the baseline's errors", () => {
  it("holds 0/300 → 5/300 errors as it holds 1/300 → 5/300, instead of passing it", () => {
    expect(judge([errors(1, 300, 5, 300)], T).status).toBe("hold");
    expect(judge([errors(0, 300, 5, 300)], T).status).toBe("hold");
  });

  it("never judges a candidate better when its baseline had fewer errors (grid of counts and exposures)", () => {
    const flat = (events: number, minutes: number, exposure: number) =>
      Array.from({ length: minutes }, (_, i) => ({ events: Math.floor(((i + 1) * events) / minutes) - Math.floor((i * events) / minutes), exposure: exposure / minutes }));
    const violations: string[] = [];
    for (const [bx, cx] of [[300, 300], [600, 300], [6000, 3000], [60_000, 30_000]] as const) {
      for (const c of [0, 1, 2, 3, 5, 8, 13, 21, 40, 80]) {
        for (const series of [false, true]) {
          const statuses = Array.from({ length: 61 }, (_, b) => judge([errors(b, bx, c, cx, series ? { baselineSeries: flat(b, 60, bx) } : {})], T).status);
          statuses.forEach((s, b) => {
            if (b > 0 && GOODNESS[s] < GOODNESS[statuses[b - 1]!]) violations.push(`${series ? "φ " : ""}${b - 1}→${b}/${bx} vs ${c}/${cx}: ${statuses[b - 1]} → ${s}`);
          });
        }
      }
    }
    expect(violations.join("; ")).toBe("");
  });
});

describe("judge: nothing a signal does can throw out of judge()", () => {
  it("judges a constant gauge (identical values on both sides) as an unchanged signal instead of throwing", () => {
    const constant: SignalInput = {
      name: "latency", settings: latencySettings, weight: 1, critical: true, noData: "hold",
      data: { kind: "distribution", baseline: rawSample(Array(300).fill(120)), candidate: rawSample(Array(200).fill(120)) },
    };
    const j = judge([constant], T);
    expect(j.signals[0]).toMatchObject({ kind: "ok", decision: { status: "pass" } });
    expect(j.status).toBe("pass");
  });

  it("turns an exception in the decision or power check into that signal's error result with a reason", () => {
    // A NaN effect floor cannot be judged: the signal reports why, the other signal is still judged.
    const broken: SignalInput = { ...errors(5, 10_000, 5, 10_000), name: "broken", settings: { ...errorSettings, detect: { relative: Number.NaN, absolute: -1 } } };
    let j: ReturnType<typeof judge> | undefined;
    expect(() => { j = judge([broken, errors(50, 10_000, 52, 10_000)], T); }).not.toThrow();
    expect(j!.signals[0]).toMatchObject({ kind: "error", name: "broken" });
    expect((j!.signals[0] as { message: string }).message).toMatch(/\w/);
    expect(j!.signals[1]!.kind).not.toBe("error");
  });
});
