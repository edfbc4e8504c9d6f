/**
 * npm run bench:calibrate — the fleet-calibrated constant boundaries of src/analysis/sequential/boundaries.ts, measured on
 * TRAINING seeds (never the accuracy report's) through the engine's own entry points with `settings.boundaries` set:
 * errors by fitRateBaseline / judgeRateSequential, latency by fitLatencyBaseline / judgeLatencySequential, with the
 * shipped rule's settings (sequentialSettings, signalAlpha). Unchanged before/after releases and releases at the detect
 * floor, all rpm pooled; per row of the table the fail z is the smallest with false fails ≤ alpha and the pass z the
 * smallest with misses (pass or warn at the floor) ≤ beta, each pass setting the fail z and then the pass z, since each
 * boundary moves the other's rate. The error-rate maximum window depends on the table (resolvingMaxMinutes), so there
 * are two passes, each re-placing the releases first, and a last fail step on the final pass z. With --early-share=S
 * the error rows get a two-stage fail z (S·alpha for the looks before FAIL_SWITCH_MINUTES, the rest after; critical-z.ts)
 * and a grid of the trade per share: false fails, ×2 fails and ×5 fails at the first look (--strong=N ×5 releases per
 * rpm). Prints both tables as TypeScript with the release counts behind each row.
 * With --by=band the error rows are keyed by expected errors per minute instead (calibration/band-calibration.ts).
 * Options: --by=band, --miss-per-rpm, --miss-confidence=C, --rpms=20,100, --signal=errors|latency|both, --unchanged=N, --floor=N and --strong=N per rpm, --early-share=S, --seed=N,
 * --workers=N (2).
 */
import { availableParallelism } from "node:os";
import { BOUNDARY_TABLE, FAIL_SWITCH_MINUTES, LATENCY_BOUNDARY_TABLE, type BoundaryPair, type BoundaryRow } from "../src/analysis/sequential/boundaries.ts";
import { loadShippedRule } from "./accuracy/judge-panel.ts";
import { TRAFFIC_LEVELS as ALL_TRAFFIC_LEVELS } from "./accuracy/scenario-cells.ts";

/** --rpms=20,100: calibrate on these traffic levels only (a row for quiet services). */
const RPMS_ARG = process.argv.find((a) => a.startsWith("--rpms="))?.slice(7);
const TRAFFIC_LEVELS: readonly number[] = RPMS_ARG ? RPMS_ARG.split(",").map(Number) : ALL_TRAFFIC_LEVELS;
import type { CalibratedSignal } from "./calibration/calibration-case.ts";
import { floorEffect, settingsFor } from "./calibration/calibration-jobs.ts";
import { calibrateBands } from "./calibration/band-calibration.ts";
import { CalibrationPool } from "./calibration/calibration-pool.ts";
import type { CaseReport } from "./calibration/calibration-worker.ts";
import { budgetWithConfidence, lateFailZ, rateAt, smallestZWithin, twoStageFailZ, twoStageRateAt } from "./calibration/critical-z.ts";

const TRAINING_SEED = 7_700_001;
/** Rows resting on fewer releases keep their current figures: a false-fail rate of 0.5 % needs hundreds to be seen. */
const MIN_UNCHANGED = 400, MIN_FLOOR = 100;

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
  return value;
}

const byRow = (reports: CaseReport[], row: number) => reports.filter((r) => r.row === row);
const pct = (x: number) => (Number.isNaN(x) ? "–" : `${(100 * x).toFixed(2)} %`);
const pairsOf = (table: readonly BoundaryRow[]): Record<number, BoundaryPair> =>
  Object.fromEntries(table.map((r) => [r.maxMinutes, { failZ: r.failZ, passZ: r.passZ, ...(r.earlyFailZ !== undefined ? { earlyFailZ: r.earlyFailZ, earlyUntilMinutes: FAIL_SWITCH_MINUTES } : {}) }]));

interface RowResult extends BoundaryRow {
  n0: number;
  n1: number;
  notes: string[];
}

/**
 * Rows with too few releases take the figures of the nearest calibrated row (on a log scale): the releases that reach a
 * short maximum are the busiest, whose bursts the longer row's figures were measured on, not the review's.
 */
function extendToThinRows(table: RowResult[]): RowResult[] {
  const enough = (r: RowResult) => r.n0 >= MIN_UNCHANGED && r.n1 >= MIN_FLOOR;
  const calibrated = table.filter(enough);
  if (calibrated.length === 0) return table;
  return table.map((row) => {
    if (enough(row)) return { ...row, source: "benchmark" as const };
    const near = calibrated.reduce((a, b) => (Math.abs(Math.log(b.maxMinutes / row.maxMinutes)) < Math.abs(Math.log(a.maxMinutes / row.maxMinutes)) ? b : a));
    return { ...row, failZ: near.failZ, passZ: near.passZ, earlyFailZ: near.earlyFailZ, source: "benchmark-extended" as const, notes: [...row.notes, `too few releases: the ${near.maxMinutes}-minute row's figures`] };
  });
}

const EARLY_SHARES = [0.3, 0.5, 0.7, 0.8, 0.9, 1];

/** The fail z pair of an error-rate row: two-stage, with `earlyShare` of alpha for the looks before the switch. */
function stagesFor(row: RowResult, reports: CaseReport[], alpha: number, earlyShare: number): RowResult {
  const n0 = reports.length;
  if (n0 < MIN_UNCHANGED) return { ...row, n0 };
  const found = twoStageFailZ(reports.map((r) => r.critical!), reports.map((r) => r.criticalLate!), alpha, earlyShare);
  return { ...row, n0, earlyFailZ: found.earlyZ, failZ: found.lateZ, notes: found.atLimit ? ["late fail z at the search limit"] : [] };
}

/**
 * The trade the early share makes, per row, on the final pass z: false fails, ×2 fails (the floor) and ×5 fails at
 * the first look, for each share and for an early z kept at the one-constant table's fail z.
 */
function shareGrid(table: RowResult[], previous: readonly BoundaryRow[], zero: CaseReport[], atFloor: CaseReport[], strong: CaseReport[], alpha: number): string[] {
  const lines: string[] = [];
  for (const row of table.filter((r) => r.source === "benchmark")) {
    const z = byRow(zero, row.maxMinutes), f = byRow(atFloor, row.maxMinutes), s = byRow(strong, row.maxMinutes);
    const e0 = z.map((r) => r.critical!), l0 = z.map((r) => r.criticalLate!), e1 = f.map((r) => r.critical!), l1 = f.map((r) => r.criticalLate!);
    const old = previous.find((r) => r.maxMinutes === row.maxMinutes)?.failZ ?? NaN;
    const options = [...EARLY_SHARES.map((share) => ({ label: `share ${share}`, ...twoStageFailZ(e0, l0, alpha, share) })),
      { label: "early = one-constant z", earlyZ: old, ...lateFailZ(e0, l0, old, alpha) }, { label: "one constant (today)", earlyZ: old, lateZ: old, atLimit: false }];
    lines.push(`// grid ${row.maxMinutes} min (${z.length} unchanged, ${f.length} ×2, ${s.length} ×5):`);
    for (const o of options) {
      const first = TRAFFIC_LEVELS.map((rpm) => `${rpm} ${pct(rateAt(s.filter((r) => r.rpm === rpm).map((r) => r.critical!), o.earlyZ))}`).join(" ");
      lines.push(`//   ${o.label}: early z ${o.earlyZ.toFixed(2)} late z ${o.lateZ.toFixed(2)} · false fail ${pct(twoStageRateAt(e0, l0, o.earlyZ, o.lateZ))} (early ${pct(rateAt(e0, o.earlyZ))}) · ×2 fail ${pct(twoStageRateAt(e1, l1, o.earlyZ, o.lateZ))} · ×5 fail at ${FIRST_LOOK} min: ${first}`);
    }
  }
  return lines;
}

const FIRST_LOOK = 10;
/** --miss-per-rpm: the pass z keeps the misses within beta at every traffic level of the row, not only pooled. */
const missPerRpm = process.argv.includes("--miss-per-rpm");
/** --miss-confidence=C (with --miss-per-rpm): each level's misses within beta at one-sided confidence C, not on average. */
const MISS_CONFIDENCE = Number(process.argv.find((a) => a.startsWith("--miss-confidence="))?.slice(18) ?? NaN);

/** The largest of the per-rpm smallest pass z (each rpm with at least MIN_FLOOR releases in the row). */
function largestPerRpm(reports: CaseReport[], beta: number): { z: number; atLimit: boolean } {
  const perRpm = TRAFFIC_LEVELS.map((rpm) => reports.filter((r) => r.rpm === rpm).map((r) => r.critical!))
    .filter((c) => c.length >= MIN_FLOOR)
    .map((c) => smallestZWithin(c, Number.isNaN(MISS_CONFIDENCE) ? beta : budgetWithConfidence(beta, c.length, MISS_CONFIDENCE)));
  if (perRpm.length === 0) return smallestZWithin(reports.map((r) => r.critical!), beta);
  return perRpm.reduce((a, b) => (b.z > a.z ? b : a));
}

async function calibrate(signal: CalibratedSignal, seed: number, perRpm: { unchanged: number; floor: number; strong: number }, workers: number, earlyShare: number | undefined) {
  const started = performance.now();
  const settings = settingsFor(loadShippedRule(), signal);
  const floor = floorEffect(signal, settings);
  const twoStage = signal === "errors" && earlyShare !== undefined;
  const pool = await CalibrationPool.start({ signal, seed, rpms: TRAFFIC_LEVELS, perRpm: { ...perRpm, strong: twoStage ? perRpm.strong : 0 }, floor }, workers);
  const g = pool.generated;
  console.error(`calibrate ${signal}: ${g.unchanged} unchanged and ${g.floor} floor releases in ${((performance.now() - started) / 1000).toFixed(0)} s (${g.skipped} outside the table's designs)`);
  const previous = signal === "errors" ? BOUNDARY_TABLE : LATENCY_BOUNDARY_TABLE;
  // One constant unless asked for two stages: the early z then starts from the one-constant fail z.
  let table: RowResult[] = previous.map((r) => ({ ...r, earlyFailZ: twoStage ? r.earlyFailZ : undefined, n0: 0, n1: 0, notes: [] }));
  // Latency's maximum is always its plan's longest window: only that row has releases.
  if (signal === "latency") table = table.filter((r) => r.maxMinutes === settings.plan.maxMaxMinutes);
  const failStep = async () => {
    if (!twoStage) return passStep("unchanged");
    const reports = await pool.ask({ kind: "critical-stages", set: "unchanged", pairs: pairsOf(table) });
    table = table.map((row) => stagesFor(row, byRow(reports, row.maxMinutes), settings.alpha, earlyShare!));
    return reports;
  };
  const passStep = async (set: "unchanged" | "floor") => {
    const reports = await pool.ask({ kind: "critical", set, pairs: pairsOf(table) });
    table = table.map((row) => {
      const critical = byRow(reports, row.maxMinutes).map((r) => r.critical!);
      const enough = critical.length >= (set === "unchanged" ? MIN_UNCHANGED : MIN_FLOOR);
      const found = set === "floor" && missPerRpm ? largestPerRpm(byRow(reports, row.maxMinutes), settings.beta) : smallestZWithin(critical, set === "unchanged" ? settings.alpha : settings.beta);
      const next = { ...row, [set === "unchanged" ? "n0" : "n1"]: critical.length };
      if (!enough) return next;
      const notes = found.atLimit ? [`${set === "unchanged" ? "fail" : "pass"} z at the search limit`] : [];
      return { ...next, ...(set === "unchanged" ? { failZ: found.z } : { passZ: found.z }), notes };
    });
    return reports;
  };
  // Each boundary moves the other's rate a little: the error rows alternate once per pass, re-placing releases first.
  for (let pass = 0; pass < 2; pass++) {
    if (signal === "errors") await pool.ask({ kind: "rebucket", table });
    await failStep();
    await passStep("floor");
    console.error(`calibrate ${signal}: pass ${pass + 1} done at ${((performance.now() - started) / 1000).toFixed(0)} s: ${table.map((r) => `${r.maxMinutes}: ${r.earlyFailZ?.toFixed(2) ?? "–"}|${r.failZ.toFixed(2)}/${r.passZ.toFixed(2)} (${r.n0}/${r.n1})`).join(", ")}`);
  }
  const finalZero = await failStep();
  table = extendToThinRows(table);
  const grid = twoStage
    ? shareGrid(table, previous, finalZero, await pool.ask({ kind: "critical-stages", set: "floor", pairs: pairsOf(table) }),
      await pool.ask({ kind: "critical-first-look", set: "strong", pairs: pairsOf(table) }), settings.alpha)
    : [];
  const zero = await pool.ask({ kind: "statuses", set: "unchanged", pairs: pairsOf(table) });
  const atFloor = await pool.ask({ kind: "statuses", set: "floor", pairs: pairsOf(table) });
  await pool.stop();
  const share = (rs: CaseReport[], f: (s: string) => boolean) => (rs.length === 0 ? NaN : rs.filter((r) => f(r.status!)).length / rs.length);
  const lines = [`// ${signal}: bench/calibrate-boundaries.ts --signal=${signal} --unchanged=${perRpm.unchanged} --floor=${perRpm.floor}${missPerRpm ? " --miss-per-rpm" : ""}${Number.isNaN(MISS_CONFIDENCE) ? "" : ` --miss-confidence=${MISS_CONFIDENCE}`}${twoStage ? ` --strong=${perRpm.strong} --early-share=${earlyShare}` : ""} --seed=${seed} (training seed; rpm ${TRAFFIC_LEVELS.join("/")} pooled, before/after releases), alpha ${settings.alpha.toFixed(4)}, beta ${settings.beta}, floor ${JSON.stringify(floor)}; ${((performance.now() - started) / 1000).toFixed(0)} s`];
  for (const row of table) {
    const z = byRow(zero, row.maxMinutes), f = byRow(atFloor, row.maxMinutes);
    const rpms = TRAFFIC_LEVELS.map((rpm) => {
      const zr = z.filter((r) => r.rpm === rpm), fr = f.filter((r) => r.rpm === rpm);
      return `${rpm} rpm ${zr.length}/${fr.length}: ff ${pct(share(zr, (s) => s === "fail"))} hold ${pct(share(zr, (s) => s === "hold"))} fail ${pct(share(fr, (s) => s === "fail"))} miss ${pct(share(fr, (s) => s === "pass" || s === "warn"))}`;
    });
    lines.push(`// ${row.maxMinutes} min: ${z.length} unchanged (false fail ${pct(share(z, (s) => s === "fail"))}, hold ${pct(share(z, (s) => s === "hold"))}), ${f.length} at the floor (fail ${pct(share(f, (s) => s === "fail"))}, miss ${pct(share(f, (s) => s === "pass" || s === "warn"))}, hold ${pct(share(f, (s) => s === "hold"))})${row.notes.length ? ` — ${row.notes.join("; ")}` : ""}`);
    lines.push(`//   by rpm (unchanged/floor): ${rpms.join(" · ")}`);
  }
  lines.push(...grid);
  lines.push(`export const ${signal === "errors" ? "BOUNDARY_TABLE" : "LATENCY_BOUNDARY_TABLE"}: readonly BoundaryRow[] = [`);
  for (const r of table) lines.push(`  { maxMinutes: ${r.maxMinutes}, ${r.earlyFailZ !== undefined ? `earlyFailZ: ${r.earlyFailZ.toFixed(2)}, ` : ""}failZ: ${r.failZ.toFixed(2)}, passZ: ${r.passZ.toFixed(2)}, source: "${r.source}" },`);
  lines.push("];");
  console.log(lines.join("\n"));
  return table;
}

async function main() {
  const which = process.argv.find((a) => a.startsWith("--signal="))?.slice(9) ?? "both";
  const seed = option("seed", TRAINING_SEED), workers = Math.min(option("workers", 2), availableParallelism());
  const perRpm = { unchanged: option("unchanged", 1500), floor: option("floor", 500), strong: option("strong", 300) };
  const earlyShare = process.argv.some((a) => a.startsWith("--early-share=")) ? option("early-share", 1) : undefined;
  if (process.argv.includes("--by=band")) return calibrateBands(seed, perRpm, workers);
  for (const signal of ["errors", "latency"] as const) if (which === "both" || which === signal) await calibrate(signal, seed, perRpm, workers, earlyShare);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
