/** A worker thread of the boundary calibration: simulates its share of the releases once, then answers searches on them. */
import { parentPort, workerData } from "node:worker_threads";
import type { BoundaryPair, BoundaryRow } from "../../src/analysis/sequential/boundaries.ts";
import type { SequentialStatus } from "../../src/analysis/sequential/sequential-types.ts";
import { loadShippedRule, planOf } from "../accuracy/judge-panel.ts";
import { RandomSource } from "../accuracy/random-source.ts";
import { TrafficGenerator } from "../accuracy/traffic-generator.ts";
import { type CalibrationCase, judgeCase, makeCase, maxMinutesUnder } from "./calibration-case.ts";
import { criticalZ, rowOf } from "./critical-z.ts";
import { type CaseSet, type GenerateJob, settingsFor } from "./calibration-jobs.ts";

export type WorkerRequest =
  | { kind: "rebucket"; table: readonly BoundaryRow[] }
  | { kind: "critical"; set: CaseSet; pairs: Record<number, BoundaryPair> }
  | { kind: "statuses"; set: CaseSet; pairs: Record<number, BoundaryPair> };

export interface CaseReport {
  row: number;
  rpm: number;
  critical?: number;
  status?: SequentialStatus;
}

const job = workerData as GenerateJob;
const rule = loadShippedRule();
const settings = settingsFor(rule, job.signal);
const generator = new TrafficGenerator({ ...planOf(rule), latencyMinutes: job.signal === "latency" ? settings.plan.maxMaxMinutes : 0 });
const cases: Record<CaseSet, CalibrationCase[]> = { unchanged: [], floor: [] };
let skipped = 0;
for (const set of ["unchanged", "floor"] as const) {
  const effect = set === "unchanged" ? { errorFactor: 1, latency: { kind: "none" } as const } : job.floor;
  job.rpms.forEach((rpm, r) => {
    for (let i = job.worker; i < job.perRpm[set]; i += job.workers) {
      const stream = (set === "unchanged" ? 0 : 50_000_000) + r * 1_000_000 + i;
      const c = makeCase(job.signal, generator, new RandomSource(job.seed, stream), rpm, effect.errorFactor, effect.latency, settings);
      if (c) cases[set].push(c);
      else skipped++;
    }
  });
}

const rowsOf = (pairs: Record<number, BoundaryPair>) => Object.keys(pairs).map(Number);

function answer(req: WorkerRequest): CaseReport[] | undefined {
  if (req.kind === "rebucket") {
    for (const set of ["unchanged", "floor"] as const)
      cases[set] = cases[set].map((c) => ({ ...c, model: { ...c.model, maxMinutes: maxMinutesUnder(c, settings, req.table) } }));
    return undefined;
  }
  const rows = rowsOf(req.pairs);
  return cases[req.set].map((c) => {
    const row = rowOf(c.model.maxMinutes, rows), pair = req.pairs[row]!;
    if (req.kind === "statuses") return { row, rpm: c.rpm, status: judgeCase(c, settings, pair) };
    // Unchanged releases: the fail z below which this one fails. At the floor: the pass z below which it is missed.
    const hit = req.set === "unchanged"
      ? (z: number) => judgeCase(c, settings, { ...pair, failZ: z }) === "fail"
      : (z: number) => { const s = judgeCase(c, settings, { ...pair, passZ: z }); return s === "pass" || s === "warn"; };
    return { row, rpm: c.rpm, critical: criticalZ(hit) };
  });
}

parentPort!.on("message", (req: WorkerRequest) => parentPort!.postMessage({ reports: answer(req) }));
parentPort!.postMessage({ ready: true, unchanged: cases.unchanged.length, floor: cases.floor.length, skipped });
