/** A worker thread of the boundary calibration: simulates its share of the releases once, then answers searches on them. */
import { parentPort, workerData } from "node:worker_threads";
import type { BoundaryPair, BoundaryRow } from "../../src/analysis/sequential/boundaries.ts";
import type { SequentialStatus } from "../../src/analysis/sequential/sequential-types.ts";
import { loadShippedRule, planOf } from "../accuracy/judge-panel.ts";
import { RandomSource } from "../accuracy/random-source.ts";
import { TrafficGenerator } from "../accuracy/traffic-generator.ts";
import { type CalibrationCase, firstLookCritical, judgeCase, makeCase, maxMinutesUnder, stageCriticals } from "./calibration-case.ts";
import { bandOf, criticalZ, rowOf } from "./critical-z.ts";
import { type CaseSet, type GenerateJob, settingsFor, STRONG_ERROR_FACTOR } from "./calibration-jobs.ts";

export type WorkerRequest =
  | { kind: "rebucket"; table: readonly BoundaryRow[] }
  | { kind: "rebucket-bands"; pairs: Record<number, BoundaryPair> }
  | { kind: "critical"; set: CaseSet; pairs: Record<number, BoundaryPair>; byBand?: boolean }
  | { kind: "critical-stages"; set: CaseSet; pairs: Record<number, BoundaryPair> }
  | { kind: "critical-first-look"; set: CaseSet; pairs: Record<number, BoundaryPair> }
  | { kind: "statuses"; set: CaseSet; pairs: Record<number, BoundaryPair>; byBand?: boolean };

export interface CaseReport {
  row: number;
  rpm: number;
  /** The baseline's expected errors per minute (the band key). */
  eventsPerMinute: number;
  critical?: number;
  /** critical-stages: `critical` is the early stage's (no late fails), `criticalLate` the late stage's (no early fails). */
  criticalLate?: number;
  status?: SequentialStatus;
}

const job = workerData as GenerateJob;
const rule = loadShippedRule();
const settings = settingsFor(rule, job.signal);
const generator = new TrafficGenerator({ ...planOf(rule), latencyMinutes: job.signal === "latency" ? settings.plan.maxMaxMinutes : 0 });
const cases: Record<CaseSet, CalibrationCase[]> = { unchanged: [], floor: [], strong: [] };
let skipped = 0;
const effects = { unchanged: { errorFactor: 1, latency: { kind: "none" } as const }, floor: job.floor, strong: { errorFactor: STRONG_ERROR_FACTOR, latency: { kind: "none" } as const } };
const streams = { unchanged: 0, floor: 50_000_000, strong: 100_000_000 };
for (const set of ["unchanged", "floor", "strong"] as const) {
  const effect = effects[set];
  job.rpms.forEach((rpm, r) => {
    for (let i = job.worker; i < job.perRpm[set]; i += job.workers) {
      const stream = streams[set] + r * 1_000_000 + i;
      const c = makeCase(job.signal, generator, new RandomSource(job.seed, stream), rpm, effect.errorFactor, effect.latency, settings);
      if (c) cases[set].push(c);
      else skipped++;
    }
  });
}

const rowsOf = (pairs: Record<number, BoundaryPair>) => Object.keys(pairs).map(Number);

function answer(req: WorkerRequest): CaseReport[] | undefined {
  if (req.kind === "rebucket") {
    for (const set of ["unchanged", "floor", "strong"] as const)
      cases[set] = cases[set].map((c) => ({ ...c, model: { ...c.model, maxMinutes: maxMinutesUnder(c, settings, req.table) } }));
    return undefined;
  }
  const rows = rowsOf(req.pairs);
  if (req.kind === "rebucket-bands") {
    // The maximum window a band's pair gives: resolvingMaxMinutes holds a one-row table flat.
    const table = (c: CalibrationCase): BoundaryRow[] => [{ maxMinutes: 240, ...req.pairs[bandOf(c.model.expectedEventsPerMinute, rows)]!, source: "benchmark" }];
    for (const set of ["unchanged", "floor", "strong"] as const) cases[set] = cases[set].map((c) => ({ ...c, model: { ...c.model, maxMinutes: maxMinutesUnder(c, settings, table(c)) } }));
    return undefined;
  }
  const byBand = "byBand" in req && req.byBand === true;
  return cases[req.set].map((c) => {
    const eventsPerMinute = c.model.expectedEventsPerMinute;
    const row = byBand ? bandOf(eventsPerMinute, rows) : rowOf(c.model.maxMinutes, rows), pair = req.pairs[row]!;
    const base = { row, rpm: c.rpm, eventsPerMinute };
    if (req.kind === "statuses") return { ...base, status: judgeCase(c, settings, pair) };
    if (req.kind === "critical-stages") {
      const { early, late } = stageCriticals(c, settings, pair);
      return { ...base, critical: early, criticalLate: late };
    }
    if (req.kind === "critical-first-look") return { ...base, critical: firstLookCritical(c, settings, pair, settings.plan.firstLookMinutes) };
    // Unchanged releases: the fail z below which this one fails. At the floor: the pass z below which it is missed.
    const hit = req.set === "unchanged"
      ? (z: number) => judgeCase(c, settings, { ...pair, failZ: z }) === "fail"
      : (z: number) => { const s = judgeCase(c, settings, { ...pair, passZ: z }); return s === "pass" || s === "warn"; };
    return { ...base, critical: criticalZ(hit) };
  });
}

parentPort!.on("message", (req: WorkerRequest) => parentPort!.postMessage({ reports: answer(req) }));
parentPort!.postMessage({ ready: true, unchanged: cases.unchanged.length, floor: cases.floor.length, skipped });
