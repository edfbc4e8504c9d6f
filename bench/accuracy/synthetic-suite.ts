/** Runs releases of a cell: each from its own random stream, so any slicing across workers gives the same numbers. */
import { emptyTally, type Tally } from "./cell-tally.ts";
import type { JudgePanel } from "./judge-panel.ts";
import { RandomSource } from "./random-source.ts";
import { judgeRelease } from "./release-runner.ts";
import type { ReleaseSpec } from "./release-scenario.ts";
import type { Cell } from "./scenario-cells.ts";
import type { TrafficGenerator } from "./traffic-generator.ts";

export interface Slice {
  cell: number;
  from: number;
  to: number;
}

export function specOf(cell: Cell, i: number): ReleaseSpec {
  const spec: ReleaseSpec = { rpm: cell.rpm, errorFactor: cell.effect.errorFactor, latency: cell.effect.latency, traffic: cell.traffic };
  if (cell.canary) spec.canary = cell.canary;
  const level = cell.levels?.[i];
  if (level) spec.level = level;
  return spec;
}

export function runSlice(cells: readonly Cell[], slice: Slice, generator: TrafficGenerator, panel: JudgePanel, seed: number): Tally {
  const cell = cells[slice.cell]!;
  const tally = emptyTally();
  const started = performance.now();
  for (let i = slice.from; i < slice.to; i++) {
    const rng = new RandomSource(seed, slice.cell * 1_000_003 + i);
    judgeRelease(generator.generate(specOf(cell, i), rng), cell.effect, panel, tally, rng);
  }
  tally.workMs = performance.now() - started;
  return tally;
}

/** Slices of at most `size` releases, the costliest (most requests) first, so two workers finish together. */
export function slicesOf(cells: readonly Cell[], size: number): Slice[] {
  const slices: Slice[] = [];
  cells.forEach((c, cell) => {
    for (let from = 0; from < c.releases; from += size) slices.push({ cell, from, to: Math.min(c.releases, from + size) });
  });
  const cost = (s: Slice) => (s.to - s.from) * (cells[s.cell]!.rpm + 300);
  return slices.sort((a, b) => cost(b) - cost(a));
}
