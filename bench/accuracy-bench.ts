/**
 * npm run bench:accuracy — verdict quality of the sequential engine (src/analysis/sequential with the shipped 'default'
 * rule) against a static-threshold judge and a Kayenta-style judge, on seeded simulated releases of known effect
 * (before/after, canary and ephemeral-pod designs) and on releases placed on NAB series. Prints one markdown report: the
 * cell table with the perfect-counterfactual ceiling, the issue's targets with PASS/FAIL, the engine's numbers by the
 * errors the baseline expects, the NAB block and the run time. Options: --scale=0.1 (a quick look), --workers=N (2).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Tally } from "./accuracy/cell-tally.ts";
import { engineReport } from "./accuracy/engine-report.ts";
import { buildPanel, loadShippedRule, planOf } from "./accuracy/judge-panel.ts";
import { mainTable } from "./accuracy/main-table.ts";
import { describeModel } from "./accuracy/model-description.ts";
import { nabCells, NAB_RPM, type NabCell } from "./accuracy/nab-cases.ts";
import { nabTable } from "./accuracy/nab-report.ts";
import { loadNab } from "./accuracy/nab-series.ts";
import { buildCells, type Cell } from "./accuracy/scenario-cells.ts";
import { targetSummary } from "./accuracy/target-summary.ts";
import { runAll } from "./accuracy/worker-pool.ts";

const SEED = 20261121;
const NAB_DIR = fileURLToPath(new URL("../../shared/data/nab", import.meta.url));

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
  return value;
}

function runtime(wallMs: number, releases: number, workers: number, tallies: Tally[]): string {
  const sum = (f: (t: Tally) => number) => tallies.reduce((s, t) => s + f(t), 0);
  const work = sum((t) => t.workMs), engine = sum((t) => t.engineMs), calls = sum((t) => t.engineCalls);
  return `Runtime: ${(wallMs / 1000).toFixed(1)} s for ${releases} releases on ${workers} worker thread(s), Node ${process.version}. `
    + `Worker time ${(work / 1000).toFixed(1)} s, of which the engine ${(engine / 1000).toFixed(1)} s (${(100 * engine / work).toFixed(0)} %; `
    + `${calls} signal judgements, ${calls === 0 ? "–" : (engine / calls).toFixed(2)} ms each); the rest is traffic generation and the two other judges.`;
}

async function main() {
  const started = performance.now();
  const scale = option("scale", 1), workers = option("workers", 2);
  const rule = loadShippedRule();
  const plan = planOf(rule);
  const panel = await buildPanel(rule);
  const cells = buildCells({
    unchanged: Math.ceil(1000 * scale), changed: Math.ceil(200 * scale), doubling: Math.ceil(600 * scale), canaryUnchanged: Math.ceil(300 * scale), silent: Math.ceil(50 * scale),
  });
  const nabFiles = existsSync(NAB_DIR) && !process.argv.includes("--no-nab") ? loadNab(NAB_DIR) : undefined;
  // A quick look keeps every (1/scale)-th NAB placement, so --scale shrinks the NAB part too.
  const keep = (cell: NabCell): NabCell => {
    const levels = (cell.levels ?? []).filter((_, i) => i % Math.max(1, Math.round(1 / scale)) === 0);
    return { ...cell, levels, releases: levels.length };
  };
  const nab: NabCell[] = nabFiles ? nabCells(nabFiles, plan).map(keep).filter((c) => c.releases > 0) : [];
  const all: Cell[] = [...cells, ...nab];
  const releases = all.reduce((s, c) => s + c.releases, 0);
  console.error(`accuracy bench: ${releases} simulated releases (${cells.length} cells, ${nab.length} NAB rows) on up to ${workers} workers…`);
  const { tallies, workers: used } = await runAll(all, SEED, workers);
  const synthetic = cells.map((cell, i) => ({ cell, tally: tallies[i]! }));
  const nabRows = nab.map((cell, i) => ({ cell, tally: tallies[cells.length + i]! }));
  const { table: targets } = targetSummary(synthetic);

  const out = [
    "# deploy-guard accuracy benchmark",
    describeModel(rule, SEED, panel),
    "## Targets (issue 11)",
    targets,
    `## Simulated releases (n per cell; ${synthetic.reduce((s, r) => s + r.tally.n, 0)} in all)`,
    mainTable(synthetic),
    "## Behind the engine's numbers",
    engineReport(synthetic),
    "## NAB series",
    nabFiles === undefined
      ? `NAB data not read (${existsSync(NAB_DIR) ? "--no-nab" : `not found at ${NAB_DIR}`}): the NAB part is skipped.`
      : [
        `Read at run time from ${NAB_DIR} (${nabFiles.length} labelled files; Numenta Anomaly Benchmark, MIT). Each series ÷ its median (clamped to 0.1–10) multiplies either the latency median or the error rate of simulated traffic at ${NAB_RPM} rpm over the baseline and analysis minutes (the history before them is the plain generator). "before anomaly": the labelled anomaly point falls 0, 10 or 20 min into the analysis window (expect fail); "window start": deploy at the start of a labelled window; "quiet": deploys at least one window length from every labelled window (fail = false fail).`,
        nabTable(nabRows),
      ].join("\n\n"),
    runtime(performance.now() - started, releases, used, tallies),
  ];
  console.log(out.join("\n\n"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
