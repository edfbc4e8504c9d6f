/**
 * Spreads slices of releases over worker threads (one per core, at most `max`) and merges their tallies per cell.
 * Workers load TypeScript through tsx's register API, since a worker does not inherit the parent's loader.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { emptyTally, merge, type Tally } from "./cell-tally.ts";
import { buildPanel, loadShippedRule, planOf } from "./judge-panel.ts";
import type { Cell } from "./scenario-cells.ts";
import { runSlice, slicesOf, type Slice } from "./synthetic-suite.ts";
import { TrafficGenerator } from "./traffic-generator.ts";

const SLICE = 50;

async function inProcess(cells: Cell[], slices: Slice[], seed: number, tallies: Tally[]): Promise<void> {
  const rule = loadShippedRule();
  const panel = await buildPanel(rule), generator = new TrafficGenerator(planOf(rule));
  for (const s of slices) merge(tallies[s.cell]!, runSlice(cells, s, generator, panel, seed));
}

export async function runAll(cells: Cell[], seed: number, max: number): Promise<{ tallies: Tally[]; workers: number }> {
  const tallies = cells.map(() => emptyTally());
  const queue = slicesOf(cells, SLICE);
  const workers = Math.max(1, Math.min(max, availableParallelism()));
  if (workers === 1) {
    await inProcess(cells, queue, seed, tallies);
    return { tallies, workers };
  }
  const entry = new URL("./bench-worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: { cells, seed } });
    const next = () => {
      const slice = queue.shift();
      if (slice) worker.postMessage(slice);
      else void worker.terminate().then(() => resolve());
    };
    // The worker says it is ready once its judges are built (the engine loads asynchronously), then after each slice.
    worker.on("message", (m: { slice: Slice; tally: Tally } | { ready: true }) => {
      if ("slice" in m) merge(tallies[m.slice.cell]!, m.tally);
      next();
    });
    worker.on("error", reject);
    worker.on("exit", (code) => (code === 0 || code === 1 ? undefined : reject(new Error(`a benchmark worker exited with code ${code}`))));
  })));
  return { tallies, workers };
}
