/**
 * npm run bench:calibrate — the fleet-calibrated constant boundaries of src/analysis/sequential/boundaries.ts, measured on
 * TRAINING seeds (never the report's): unchanged releases and releases at the detect floor (×2 errors), all rpm pooled,
 * through the engine's own forecast design. For each maximum-window bucket, bisect the fail z until false fails = alpha
 * and the pass z until misses (pass or warn at ×2) = beta, alternating twice since each boundary moves the other's rate.
 * Both rates fall as their z rises, so each bisection finds the smallest z within budget. At alpha 0.005 a bucket needs a
 * few thousand unchanged releases for a stable fail z: the default is a quick look, a real calibration is --releases=2000.
 * Prints the table as TypeScript for boundaries.ts. Options: --releases=N per rpm and effect (400), --seed=N.
 *
 * judgeRateSequential takes its boundaries from boundariesFor() with no override, so the looks are run here through the
 * same exported pieces it uses (fitRateBaseline, runLooks, forecastRate, tau2At) with the candidate boundaries.
 */
import { tau2At } from "../src/analysis/sequential/aa-wander.ts";
import { BOUNDARY_TABLE, type BoundaryPair } from "../src/analysis/sequential/boundaries.ts";
import { forecastRate } from "../src/analysis/sequential/forecast-baseline.ts";
import { type LookBaseline, runLooks } from "../src/analysis/sequential/group-sequential.ts";
import { fitRateBaseline, type RateBaselineModel } from "../src/analysis/sequential/rate-sequential.ts";
import type { RateEvidence, SequentialSettings } from "../src/analysis/sequential/sequential-types.ts";
import { loadShippedRule, planOf } from "./accuracy/judge-panel.ts";
import { RandomSource } from "./accuracy/random-source.ts";
import { historyOnly, rateEvidence, sequentialSettingsOf } from "./accuracy/sequential-engine-judge.ts";
import { TrafficGenerator } from "./accuracy/traffic-generator.ts";
import { TRAFFIC_LEVELS } from "./accuracy/scenario-cells.ts";

const TRAINING_SEED = 7_700_001;
const BUCKETS = [30, 60, 120, 240] as const;

interface Case {
  model: RateBaselineModel;
  evidence: RateEvidence;
}

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
  return value;
}

const bucketOf = (maxMinutes: number) => BUCKETS.find((b, i) => maxMinutes <= (b + (BUCKETS[i + 1] ?? Infinity)) / 2)!;

/** The engine's forecast design (rate-sequential.ts) with the given boundaries: its status after every look. */
function statusWith(c: Case, settings: SequentialSettings, bounds: BoundaryPair): string {
  const { model, evidence } = c;
  const baselineAt = (t: number): LookBaseline => ({
    rate: forecastRate(model.forecast, evidence.candidate, evidence.candidateStart, t), varLog: model.forecast.varLog,
    tau2: tau2At(model.calibration, t), events: model.forecast.levelEvents,
  });
  return runLooks(evidence.candidate, settings.plan, model.maxMinutes, baselineAt, settings, bounds).status;
}

function rate(cases: Case[], settings: SequentialSettings, bounds: BoundaryPair, counts: (status: string) => boolean): number {
  return cases.length === 0 ? NaN : cases.filter((c) => counts(statusWith(c, settings, bounds))).length / cases.length;
}

/** The smallest z in [1, 6] whose rate is at most the target, by bisection: both rates fall as their z rises. */
function bisect(target: number, at: (z: number) => number): number {
  let lo = 1, hi = 6;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid) > target) lo = mid;
    else hi = mid;
  }
  return hi;
}

function main() {
  const perCell = option("releases", 400), seed = option("seed", TRAINING_SEED);
  const rule = loadShippedRule();
  const signal = rule.signals.find((s) => s.kind === "error_rate");
  if (!signal) throw new Error("the shipped rule has no error_rate signal");
  const settings = sequentialSettingsOf(signal, rule.signals.filter((s) => s.critical).length);
  const generator = new TrafficGenerator({ ...planOf(rule), latencyMinutes: 0 });
  const floor = 1 + settings.detect.relative;
  const cases = { unchanged: new Map<number, Case[]>(), floor: new Map<number, Case[]>() };
  let stream = 0;
  for (const [kind, factor] of [["unchanged", 1], ["floor", floor]] as const) {
    for (const rpm of TRAFFIC_LEVELS) {
      for (let i = 0; i < perCell; i++) {
        const release = generator.generate({ rpm, errorFactor: factor, latency: { kind: "none" }, traffic: "normal" }, new RandomSource(seed, stream++));
        const evidence = rateEvidence(release, "errors", settings.plan.maxMaxMinutes);
        const model = fitRateBaseline(historyOnly(evidence), settings);
        if (model.design !== "forecast") continue;
        const b = bucketOf(model.maxMinutes);
        cases[kind].set(b, [...(cases[kind].get(b) ?? []), { model, evidence: { ...evidence, history: [] } }]);
      }
    }
    console.error(`calibrate: ${kind} releases generated`);
  }
  const rows = BUCKETS.map((maxMinutes) => {
    const start = BOUNDARY_TABLE.find((r) => r.maxMinutes === maxMinutes) ?? BOUNDARY_TABLE[BOUNDARY_TABLE.length - 1]!;
    const zero = cases.unchanged.get(maxMinutes) ?? [], atFloor = cases.floor.get(maxMinutes) ?? [];
    const pair: BoundaryPair = { failZ: start.failZ, passZ: start.passZ };
    if (zero.length > 0 && atFloor.length > 0) {
      for (let round = 0; round < 2; round++) {
        pair.failZ = bisect(settings.alpha, (z) => rate(zero, settings, { ...pair, failZ: z }, (s) => s === "fail"));
        pair.passZ = bisect(settings.beta, (z) => rate(atFloor, settings, { ...pair, passZ: z }, (s) => s === "pass" || s === "warn"));
      }
    }
    const falseFail = rate(zero, settings, pair, (s) => s === "fail"), miss = rate(atFloor, settings, pair, (s) => s === "pass" || s === "warn");
    return { maxMinutes, pair, n0: zero.length, n1: atFloor.length, falseFail, miss, calibrated: zero.length > 0 && atFloor.length > 0 };
  });
  const fmt = (x: number) => (Number.isNaN(x) ? "–" : `${(100 * x).toFixed(2)} %`);
  console.log(`// bench/calibrate-boundaries.ts, training seed ${seed}, ${perCell} releases per rpm and effect (rpm ${TRAFFIC_LEVELS.join("/")} pooled), alpha ${settings.alpha}, beta ${settings.beta} at ×${floor}`);
  for (const r of rows) {
    console.log(`// ${r.maxMinutes} min: ${r.n0} unchanged (false fail ${fmt(r.falseFail)}), ${r.n1} at the floor (miss ${fmt(r.miss)})${r.calibrated ? "" : " — too few releases: kept the current row"}${r.falseFail > settings.alpha || r.miss > settings.beta ? " — budget not reached at z = 6 (a release beyond any boundary: more releases, or look at it)" : ""}`);
  }
  console.log("export const BOUNDARY_TABLE: readonly BoundaryRow[] = [");
  for (const r of rows) {
    console.log(`  { maxMinutes: ${r.maxMinutes}, failZ: ${r.pair.failZ.toFixed(2)}, passZ: ${r.pair.passZ.toFixed(2)}, source: "${r.calibrated ? "benchmark" : "review"}" },`);
  }
  console.log("];");
}

main();
