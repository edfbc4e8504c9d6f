/**
 * `npm run bench:calibrate -- --by=band`: the error-rate boundaries keyed by the baseline's expected errors per minute
 * instead of the maximum window. Same releases and searches as the window table (calibrate-boundaries.ts), but each
 * release is placed in its band, and its maximum window is re-derived from its band's pair before each pass. Prints the
 * per-band false fails and ×2 fails under today's window table first, then under the calibrated band table.
 */
import { BOUNDARY_TABLE, type BoundaryPair } from "../../src/analysis/sequential/boundaries.ts";
import { loadShippedRule } from "../accuracy/judge-panel.ts";
import { TRAFFIC_LEVELS } from "../accuracy/scenario-cells.ts";
import { floorEffect, settingsFor } from "./calibration-jobs.ts";
import { CalibrationPool } from "./calibration-pool.ts";
import type { CaseReport } from "./calibration-worker.ts";
import { bandOf, smallestZWithin } from "./critical-z.ts";

/** Lower edges of the bands, in expected errors per minute. */
export const BAND_EDGES = [0, 0.3, 1, 3] as const;
const MIN_UNCHANGED = 400, MIN_FLOOR = 100;

interface BandResult extends BoundaryPair {
  from: number;
  n0: number;
  n1: number;
  notes: string[];
}

const pct = (x: number) => (Number.isNaN(x) ? "–" : `${(100 * x).toFixed(2)} %`);
const share = (rs: CaseReport[], f: (s: string) => boolean) => (rs.length === 0 ? NaN : rs.filter((r) => f(r.status!)).length / rs.length);
const inBand = (rs: CaseReport[], from: number) => rs.filter((r) => bandOf(r.eventsPerMinute, BAND_EDGES) === from);
const label = (from: number) => { const i = BAND_EDGES.indexOf(from as 0); return i === BAND_EDGES.length - 1 ? `≥ ${from}` : `${from}–${BAND_EDGES[i + 1]}`; };

/** Per band and rpm: false fails and holds of the unchanged releases, fails and misses at ×2. */
export function bandFigures(title: string, zero: CaseReport[], atFloor: CaseReport[]): string[] {
  const lines = [`// ${title}`];
  for (const from of BAND_EDGES) {
    const z = inBand(zero, from), f = inBand(atFloor, from);
    const rpms = TRAFFIC_LEVELS.map((rpm) => {
      const zr = z.filter((r) => r.rpm === rpm), fr = f.filter((r) => r.rpm === rpm);
      return zr.length + fr.length === 0 ? undefined : `${rpm} rpm ${zr.length}/${fr.length}: ff ${pct(share(zr, (s) => s === "fail"))} ×2 fail ${pct(share(fr, (s) => s === "fail"))}`;
    }).filter((x) => x !== undefined);
    lines.push(`//   ${label(from)} err/min: ${z.length} unchanged (false fail ${pct(share(z, (s) => s === "fail"))}), ${f.length} ×2 (fail ${pct(share(f, (s) => s === "fail"))}, miss ${pct(share(f, (s) => s === "pass" || s === "warn"))}) · ${rpms.join(" · ")}`);
  }
  return lines;
}

const pairsOf = (table: BandResult[]): Record<number, BoundaryPair> => Object.fromEntries(table.map((r) => [r.from, { failZ: r.failZ, passZ: r.passZ }]));

export async function calibrateBands(seed: number, perRpm: { unchanged: number; floor: number }, workers: number): Promise<void> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const settings = settingsFor(loadShippedRule(), "errors");
  const pool = await CalibrationPool.start({ signal: "errors", seed, rpms: TRAFFIC_LEVELS, perRpm: { ...perRpm, strong: 0 }, floor: floorEffect("errors", settings) }, workers);
  console.error(`bands: ${pool.generated.unchanged} unchanged and ${pool.generated.floor} ×2 releases in ${elapsed()}`);
  // Before: today's window table (the releases were fitted under it, so their maximum windows are today's).
  const today = Object.fromEntries(BOUNDARY_TABLE.map((r) => [r.maxMinutes, { failZ: r.failZ, passZ: r.passZ }]));
  const before = bandFigures(`before: BOUNDARY_TABLE by maximum window, figures per band`,
    await pool.ask({ kind: "statuses", set: "unchanged", pairs: today }), await pool.ask({ kind: "statuses", set: "floor", pairs: today }));
  console.error(before.join("\n"));
  const row240 = BOUNDARY_TABLE[BOUNDARY_TABLE.length - 1]!;
  let table: BandResult[] = BAND_EDGES.map((from) => ({ from, failZ: row240.failZ, passZ: row240.passZ, n0: 0, n1: 0, notes: [] }));
  const step = async (set: "unchanged" | "floor") => {
    const reports = await pool.ask({ kind: "critical", set, pairs: pairsOf(table), byBand: true });
    table = table.map((row) => {
      const critical = reports.filter((r) => r.row === row.from).map((r) => r.critical!);
      const next = { ...row, [set === "unchanged" ? "n0" : "n1"]: critical.length };
      if (critical.length < (set === "unchanged" ? MIN_UNCHANGED : MIN_FLOOR)) return { ...next, notes: ["too few releases: kept the 240-minute row's figures"] };
      const found = smallestZWithin(critical, set === "unchanged" ? settings.alpha : settings.beta);
      return { ...next, ...(set === "unchanged" ? { failZ: found.z } : { passZ: found.z }), notes: found.atLimit ? ["at the search limit"] : [] };
    });
  };
  for (let pass = 0; pass < 2; pass++) {
    await pool.ask({ kind: "rebucket-bands", pairs: pairsOf(table) });
    await step("unchanged");
    await step("floor");
    console.error(`bands: pass ${pass + 1} at ${elapsed()}: ${table.map((r) => `${label(r.from)}: ${r.failZ.toFixed(2)}/${r.passZ.toFixed(2)} (${r.n0}/${r.n1})`).join(", ")}`);
  }
  await pool.ask({ kind: "rebucket-bands", pairs: pairsOf(table) });
  await step("unchanged");
  await pool.ask({ kind: "rebucket-bands", pairs: pairsOf(table) });
  const after = bandFigures(`after: the band table`, await pool.ask({ kind: "statuses", set: "unchanged", pairs: pairsOf(table), byBand: true }),
    await pool.ask({ kind: "statuses", set: "floor", pairs: pairsOf(table), byBand: true }));
  await pool.stop();
  const lines = [`// errors by band: --by=band --unchanged=${perRpm.unchanged} --floor=${perRpm.floor} --seed=${seed} (training seed; rpm ${TRAFFIC_LEVELS.join("/")}), alpha ${settings.alpha.toFixed(4)}, beta ${settings.beta}; ${elapsed()}`,
    ...before, ...after, "export const ERROR_BAND_TABLE: readonly BandRow[] = ["];
  for (const r of table) lines.push(`  { fromEventsPerMinute: ${r.from}, failZ: ${r.failZ.toFixed(2)}, passZ: ${r.passZ.toFixed(2)}, unchanged: ${r.n0}, atFloor: ${r.n1} },${r.notes.length ? ` // ${r.notes.join("; ")}` : ""}`);
  lines.push("];");
  console.log(lines.join("\n"));
}
