/** A worker thread of the accuracy benchmark: builds its own judges, then runs the slices the pool sends it. */
import { parentPort, workerData } from "node:worker_threads";
import { buildPanel, loadShippedRule, planOf } from "./judge-panel.ts";
import type { Cell } from "./scenario-cells.ts";
import { runSlice, type Slice } from "./synthetic-suite.ts";
import { TrafficGenerator } from "./traffic-generator.ts";

const { cells, seed } = workerData as { cells: Cell[]; seed: number };
const rule = loadShippedRule();
const panel = await buildPanel(rule);
const generator = new TrafficGenerator(planOf(rule));

parentPort!.on("message", (slice: Slice) => {
  parentPort!.postMessage({ slice, tally: runSlice(cells, slice, generator, panel, seed) });
});
parentPort!.postMessage({ ready: true });
