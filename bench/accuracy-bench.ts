/**
 * npm run bench:accuracy — verdict quality of the engine (src/analysis/judge.ts with the shipped 'default' rule) against
 * a static-threshold judge and a Kayenta-style judge, on seeded simulated releases of known effect and on releases placed
 * on NAB series. Prints one markdown report: the cell table, the targets with PASS/FAIL, the numbers behind the engine's
 * misses, the NAB block and the run time. Options: --scale=0.2 (fewer releases, for a quick look), --workers=N (default 2).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { engineReport } from "./accuracy/engine-report.ts";
import { loadShippedRule, planOf } from "./accuracy/judge-panel.ts";
import { mainTable } from "./accuracy/main-table.ts";
import { describeModel } from "./accuracy/model-description.ts";
import { nabCells, NAB_RPM, type NabCell } from "./accuracy/nab-cases.ts";
import { nabTable } from "./accuracy/nab-report.ts";
import { loadNab } from "./accuracy/nab-series.ts";
import type { Tally } from "./accuracy/cell-tally.ts";
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
    + `Worker time ${(work / 1000).toFixed(1)} s, of which the engine's judge() ${(engine / 1000).toFixed(1)} s (${(100 * engine / work).toFixed(0)} %; `
    + `${calls} calls, ${(engine / calls).toFixed(2)} ms a call); the rest is traffic generation and the two other judges.`;
}

async function main() {
  const started = performance.now();
  const scale = option("scale", 1), workers = option("workers", 2);
  const rule = loadShippedRule();
  const plan = planOf(rule);
  const cells = buildCells({ unchanged: Math.ceil(1000 * scale), changed: Math.ceil(200 * scale), silent: Math.ceil(50 * scale) });
  const nabFiles = existsSync(NAB_DIR) ? loadNab(NAB_DIR) : undefined;
  const nab: NabCell[] = nabFiles ? nabCells(nabFiles, plan) : [];
  const all: Cell[] = [...cells, ...nab];
  const releases = all.reduce((s, c) => s + c.releases, 0);
  console.error(`accuracy bench: ${releases} simulated releases (${cells.length} cells, ${nab.length} NAB rows) on up to ${workers} workers…`);
  const { tallies, workers: used } = await runAll(all, SEED, workers);
  const synthetic = cells.map((cell, i) => ({ cell, tally: tallies[i]! }));
  const nabRows = nab.map((cell, i) => ({ cell, tally: tallies[cells.length + i]! }));
  const summary = targetSummary(synthetic);

  const out = [
    "# deploy-guard accuracy benchmark",
    describeModel(rule, SEED),
    `## Simulated releases (n per cell in the table; ${synthetic.reduce((s, r) => s + r.tally.n, 0)} in all)`,
    mainTable(synthetic),
    "## Targets for this engine",
    summary,
    "## Behind the engine's numbers",
    engineReport(synthetic),
    "## NAB series",
    nabFiles === undefined
      ? `NAB data not found at ${NAB_DIR}: the NAB part is skipped.`
      : [
        `Read at run time from ${NAB_DIR} (${nabFiles.length} labelled files; Numenta Anomaly Benchmark, MIT). Each series ÷ its median (clamped to 0.1–10) multiplies either the latency median or the error rate of simulated traffic at ${NAB_RPM} rpm, minute by minute (last sample carried forward). "before anomaly": the labelled anomaly point falls 0, 10 or 20 min into the analysis window (expect fail); "window start": deploy at the start of a labelled window, which NAB centres on the anomaly hours later; "quiet": deploys at least one window length from every labelled window (fail = false fail).`,
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
