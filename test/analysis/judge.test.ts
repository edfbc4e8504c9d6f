import { describe, expect, it } from "vitest";
import { rawSample } from "../../src/analysis/classify-distribution.ts";
import { judge, type SignalInput } from "../../src/analysis/judge.ts";
import { mulberry32 } from "../support/traffic.ts";

const T = { pass: 90, warn: 60 };
const rateSettings = { direction: "increase" as const, fail: { relative: 0.5, absolute: 0.005 }, minSamples: 100, confidence: 0.99 };
const latencySettings = { direction: "increase" as const, fail: { relative: 0.2, absolute: 10 }, minSamples: 100, confidence: 0.99 };

function rate(name: string, b: [number, number], c: [number, number], extra: Partial<SignalInput> = {}): SignalInput {
  return { name, settings: rateSettings, weight: 1, critical: false, noData: "hold", data: { kind: "rate", baseline: { events: b[0], exposure: b[1] }, candidate: { events: c[0], exposure: c[1] } }, ...extra };
}

function lognormal(n: number, median: number, seed: number, sigma = 0.3): number[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd())));
}

function latency(name: string, b: number[], c: number[], extra: Partial<SignalInput> = {}): SignalInput {
  return { name, settings: latencySettings, weight: 1, critical: false, noData: "hold", data: { kind: "distribution", baseline: rawSample(b), candidate: rawSample(c) }, ...extra };
}

describe("judge: where the anchors' users were hurt", () => {
  it("fails errors appearing over a zero baseline instead of passing silently (Kayenta #426, #377)", () => {
    const j = judge([rate("errors", [0, 5000], [40, 5000])], T);
    expect(j.status).toBe("fail");
    const s = j.signals[0]!;
    expect(s.kind === "ok" && s.decision.status).toBe("fail");
    expect(s.kind === "ok" && s.analysis.stats.relativeChange).toBe(Infinity);
  });

  it("passes a change that is significant but below the effect floor", () => {
    // 1.0 % → 1.2 %: with 2 million requests a side this is far beyond chance, and still too small to matter.
    const j = judge([rate("errors", [20_000, 2_000_000], [24_000, 2_000_000])], T);
    const s = j.signals[0]!;
    expect(s.kind === "ok" && s.analysis.stats.pValue).toBeLessThan(1e-9);
    expect(s.kind === "ok" && s.decision.status).toBe("pass");
    expect(j.status).toBe("pass");
  });

  it("counts a signal whose analysis throws as a failed check, not a missing one", () => {
    const broken: SignalInput = { ...latency("latency", [1], [1]), data: { kind: "distribution", baseline: { values: [1, 2, 3], weights: [500] }, candidate: rawSample(lognormal(500, 100, 1)) } };
    const j = judge([rate("errors", [50, 10_000], [52, 10_000]), broken], T);
    expect(j.signals[1]!.kind).toBe("error");
    expect(j.score).toBe(50);
    expect(j.status).toBe("fail");
  });

  it("lets a failing critical signal veto a good score", () => {
    const signals = [
      rate("errors", [50, 10_000], [300, 10_000], { critical: true }),
      ...[1, 2, 3, 4, 5].map((k) => latency(`latency_${k}`, lognormal(500, 100, k), lognormal(500, 100, k + 10))),
    ];
    const j = judge(signals, T);
    expect(j).toMatchObject({ status: "fail", score: 0, cause: "critical" });
  });

  it("never passes a window with no data, whatever the policies say", () => {
    const j = judge([rate("errors", [0, 0], [0, 0], { noData: "pass" })], T);
    expect(j.status).toBe("hold");
  });

  it("applies each signal's no-data policy when others have data", () => {
    const ok = latency("latency", lognormal(500, 100, 1), lognormal(500, 100, 2));
    expect(judge([ok, rate("errors", [1, 50], [0, 40], { noData: "hold" })], T).status).toBe("hold");
    expect(judge([ok, rate("errors", [1, 50], [0, 40], { noData: "pass" })], T).status).toBe("pass");
    expect(judge([ok, rate("errors", [1, 50], [0, 40], { noData: "fail", critical: true })], T).status).toBe("fail");
  });

  it("corrects p-values across signals with Benjamini–Hochberg", () => {
    // Raw p of about 0.004 and 0.5: the first is adjusted up to twice its value, the second stays.
    const j = judge([rate("a", [100, 100_000], [150, 100_000]), rate("b", [100, 100_000], [100, 100_000])], T);
    const a = j.signals[0]!, b = j.signals[1]!;
    if (a.kind !== "ok" || b.kind !== "ok") throw new Error("expected data");
    expect(a.qValue).toBeCloseTo(Math.min(1, a.analysis.stats.pValue * 2), 12);
    expect(b.qValue).toBeCloseTo(Math.max(b.analysis.stats.pValue, a.qValue), 12);
  });

  it("fails a 40 % latency rise and passes the same distribution", () => {
    expect(judge([latency("latency", lognormal(2000, 100, 3), lognormal(2000, 140, 4))], T).status).toBe("fail");
    expect(judge([latency("latency", lognormal(2000, 100, 5), lognormal(2000, 100, 6))], T).status).toBe("pass");
  });
});

describe("judge: a wider spread with the same median (Kayenta #780)", () => {
  it("fails when the slowest 5 % get much slower though typical requests do not", () => {
    const rnd = mulberry32(99);
    const baseline = lognormal(4000, 100, 31, 0.3);
    // The same median, but one request in ten now takes three times as long.
    const candidate = lognormal(4000, 100, 32, 0.3).map((v) => (rnd() < 0.1 ? v * 3 : v));
    const j = judge([latency("latency", baseline, candidate)], T);
    const s = j.signals[0]!;
    if (s.kind !== "ok") throw new Error("expected data");
    expect(Math.abs(s.analysis.stats.relativeChange)).toBeLessThan(0.1);
    expect(s.decision).toMatchObject({ status: "fail", driver: "tail" });
    expect(j.status).toBe("fail");
  });

  it("still passes two samples of the same distribution", () => {
    const j = judge([latency("latency", lognormal(4000, 100, 33, 0.3), lognormal(4000, 100, 34, 0.3))], T);
    expect(j.status).toBe("pass");
  });
});
