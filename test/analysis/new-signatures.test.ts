import { describe, expect, it } from "vitest";
import { newKindPValue, newKindRatioLowerBound, testNewSignatures, type NewKind, type NewSignatureEvidence } from "../../src/analysis/new-signatures.ts";
import { seededSampler } from "../support/seeded-sampler.ts";
import { expectRelative, readFixture } from "./reference-fixtures.ts";

const MINUTE = 60_000, DAY = 1440 * MINUTE;
const DEPLOY = Date.UTC(2026, 2, 10, 14, 0);
const settings = { alpha: 0.005, minEvents: 3, looks: 1, minHistoryMinutes: 1440 };

interface Case { c: number; h: number; share: number; alpha: number; pValue: number; ratioLow: number }

/**
 * A 20 rpm service with 7 days of history in which brand-new kinds of error turn up about once a day with bursts of
 * 1 + Poisson(2) events, then `candidateMinutes` after a release that adds `newKindShare` of requests as a new exception.
 */
function simulate(seed: number, candidateMinutes: number, newKindShare: number, rpm = 20): NewSignatureEvidence {
  const rng = seededSampler(seed);
  const historyMinutes = 7 * 1440, historyStart = DEPLOY - 7 * DAY;
  const historyRequests = Array.from({ length: historyMinutes }, () => rng.poisson(rpm));
  const historyKinds = [];
  for (let i = 0; i < historyMinutes; i++) {
    if (rng.uniform() < 1 / 1440) historyKinds.push({ fingerprint: `h${i}`, firstSeen: historyStart + i * MINUTE, events: 1 + rng.poisson(2) });
  }
  const candidateKinds: NewKind[] = [];
  let candidateRequests = 0, exceptions = 0;
  for (let m = 0; m < candidateMinutes; m++) {
    const requests = rng.poisson(rpm);
    candidateRequests += requests;
    for (let r = 0; r < requests; r++) if (rng.uniform() < newKindShare) exceptions++;
    if (rng.uniform() < 1 / 1440) candidateKinds.push({ fingerprint: `c${m}`, template: "background", sample: "", events: 1 + rng.poisson(2), hosts: 1, firstSeen: DEPLOY + m * MINUTE });
  }
  if (exceptions > 0) candidateKinds.push({ fingerprint: "npe", template: "NullPointerException at Cart.total(<*>)", sample: "", events: exceptions, hosts: 2, firstSeen: DEPLOY });
  return { deployStart: DEPLOY, historyStart, historyRequests, historyKinds, excluded: [], candidateRequests, candidateKinds };
}

describe("the exact conditional Poisson test of events in new kinds", () => {
  const { cases } = readFixture<{ cases: Case[] }>("stats/new-signatures.json");

  it("matches scipy's binomtest and Clopper–Pearson bound, integer and quasi-Poisson counts", () => {
    for (const k of cases) {
      const label = `c=${k.c} h=${k.h} share=${k.share}`;
      expectRelative(newKindPValue(k.c, k.h, k.share), k.pValue, 1e-9, `${label} p`);
      expectRelative(newKindRatioLowerBound(k.c, k.h, k.share, k.alpha), k.ratioLow, 1e-7, `${label} ratio bound`);
    }
  });

  it("is monotone: more events in new kinds never give a larger p-value", () => {
    for (const h of [0, 3, 40]) {
      let last = 1;
      for (let c = 0; c <= 30; c++) {
        const p = newKindPValue(c, h, 0.01);
        expect(p).toBeLessThanOrEqual(last);
        last = p;
      }
    }
  });
});

describe("testNewSignatures", () => {
  it("passes unchanged releases at 20 rpm: false fails at 10 minutes stay near the 0.5 % budget", () => {
    let fails = 0;
    const runs = 2000;
    for (let seed = 1; seed <= runs; seed++) if (testNewSignatures(simulate(seed, 10, 0), settings).significant) fails++;
    // Kinds arrive once a day, so 0.7 % of 10-minute windows hold one; the test spends at most its 0.5 %.
    expect(fails / runs).toBeLessThanOrEqual(0.007);
  });

  it("fails a new exception at 20 rpm within 10 minutes: in 5 % of requests at one look, 10 % with the budget over 47 looks", () => {
    const rate = (share: number, looks: number) => {
      let fails = 0;
      for (let seed = 1; seed <= 300; seed++) if (testNewSignatures(simulate(seed, 10, share), { ...settings, looks }).significant) fails++;
      return fails / 300;
    };
    expect(rate(0.05, 1)).toBeGreaterThanOrEqual(0.95);
    expect(rate(0.1, 47)).toBeGreaterThanOrEqual(0.99);
  });

  it("never fails on fewer events than min_events, however new", () => {
    const e = simulate(7, 10, 0);
    const two = { ...e, historyKinds: [], candidateKinds: [{ fingerprint: "x", template: "boom", sample: "", events: 2, hosts: 1, firstSeen: DEPLOY }] };
    const result = testNewSignatures(two, settings);
    expect(result.analysis.kind === "ok" && result.analysis.stats.pValue).toBeLessThan(1e-4);
    expect(result.significant).toBe(false);
    expect(testNewSignatures({ ...two, candidateKinds: [{ ...two.candidateKinds[0]!, events: 3 }] }, settings).significant).toBe(true);
  });

  it("is no data, never a pass, without traffic in the window or without a day of history", () => {
    const e = simulate(3, 10, 0);
    expect(testNewSignatures({ ...e, candidateRequests: 0, candidateKinds: [] }, settings).analysis.kind).toBe("nodata");
    const short = { ...e, historyRequests: e.historyRequests.map((r, i) => (i < e.historyRequests.length - 600 ? 0 : r)) };
    const result = testNewSignatures(short, settings);
    expect(result.analysis.kind === "nodata" && result.analysis.why).toContain("only 10.0 h of history");
  });

  it("does not count kinds that other releases introduced as the normal rate", () => {
    const e = simulate(11, 10, 0);
    const burst = { fingerprint: "other-release", firstSeen: DEPLOY - 2 * DAY, events: 400 };
    const withBurst = { ...e, historyKinds: [...e.historyKinds, burst], candidateKinds: [{ fingerprint: "n", template: "t", sample: "", events: 12, hosts: 1, firstSeen: DEPLOY }] };
    const p = (x: NewSignatureEvidence) => { const a = testNewSignatures(x, settings).analysis; return a.kind === "ok" ? a.stats.pValue : NaN; };
    const excluded = { ...withBurst, excluded: [{ start: DEPLOY - 2 * DAY - 5 * MINUTE, end: DEPLOY - 2 * DAY + 60 * MINUTE }] };
    expect(p(withBurst)).toBeGreaterThan(0.01);
    expect(p(excluded)).toBeLessThan(1e-4);
  });

  it("is deterministic: the same evidence in another order gives the same kinds and p-value", () => {
    const e = simulate(5, 30, 0.05);
    const a = testNewSignatures(e, settings), b = testNewSignatures({ ...e, candidateKinds: [...e.candidateKinds].reverse(), historyKinds: [...e.historyKinds].reverse() }, settings);
    expect(b).toEqual(a);
  });
});
