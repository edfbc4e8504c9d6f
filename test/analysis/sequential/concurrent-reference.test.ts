import { describe, expect, it } from "vitest";
import { groupWander, ratioBounds } from "../../../src/analysis/sequential/host-ratio.ts";
import { mixtureLogPath } from "../../../src/analysis/sequential/mixture-sprt.ts";
import { ratioInterval } from "../../../src/analysis/sequential/concurrent-stats.ts";
import type { MinuteCounts } from "../../../src/analysis/sequential/sequential-types.ts";
import { expectAbsolute, expectRelative, readFixture } from "../reference-fixtures.ts";

interface MixtureCase {
  name: string; theta0: number; side: "up" | "down"; rho: number;
  candidateEvents: number[]; controlEvents: number[]; candidateExposure: number[]; controlExposure: number[];
  logMixture: number[];
}
interface Totals { candidateEvents: number; controlEvents: number; candidateExposure: number; controlExposure: number }
interface Fixture {
  mixtures: MixtureCase[];
  rhoBounds: (Totals & { alphaHigh: number; alphaLow: number; rho: number; rhoHigh: number; rhoLow: number })[];
  ratioIntervals: (Totals & { rho: number; low: number; high: number })[];
  groupWander: { candidate: MinuteCounts[]; control: MinuteCounts[]; rho: number; groupTau2: number; pairs: number };
}

// scripts/reference/sequential_concurrent_reference.py: a port of the review's seqlib.py with scipy.stats.beta.
const fixture = readFixture<Fixture>("stats/sequential-concurrent.json");
const zip = (events: number[], exposure: number[]): MinuteCounts[] => events.map((e, i) => ({ events: e, exposure: exposure[i]! }));

describe("mixture SPRT and host ratio agree with the scipy reference", () => {
  it.each(fixture.mixtures)("log mixture after every minute: $name", (c) => {
    const path = mixtureLogPath(zip(c.candidateEvents, c.candidateExposure), zip(c.controlEvents, c.controlExposure),
      c.theta0, c.side === "up" ? "above" : "below", c.rho);
    expect(path).toHaveLength(c.logMixture.length);
    c.logMixture.forEach((expected, i) => expectAbsolute(path[i]!, expected, 1e-9 * Math.max(1, Math.abs(expected)), `${c.name} minute ${i + 1}`));
  });

  it.each(fixture.rhoBounds)("Clopper–Pearson bounds on ρ for $candidateEvents vs $controlEvents events", (c) => {
    const b = ratioBounds(c, c.alphaHigh, c.alphaLow);
    expectRelative(b.rho, c.rho, 1e-12, "ρ");
    expectRelative(b.rhoHigh, c.rhoHigh, 1e-9, "upper bound");
    expectRelative(b.rhoLow, c.rhoLow, 1e-9, "lower bound");
  });

  it.each(fixture.ratioIntervals)("95 % interval of θ for $candidateEvents vs $controlEvents events at ρ $rho", (c) => {
    const ci = ratioInterval(c, c.rho);
    expectRelative(ci.low, c.low, 1e-9, "low");
    expectRelative(ci.high, c.high, 1e-9, "high");
  });

  it("group-vs-group wander over 30-minute A/A windows matches the numpy estimate", () => {
    const g = fixture.groupWander;
    const w = groupWander(g.candidate, g.control, g.rho);
    expect(w.pairs).toBe(g.pairs);
    expectRelative(w.tau2, g.groupTau2, 1e-9, "τ²_g");
  });
});
