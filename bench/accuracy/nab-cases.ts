/**
 * Releases placed on NAB series: the series, divided by its median, multiplies either the latency median or the error
 * rate of simulated traffic minute by minute. Deploys go (a) just before a labelled anomaly point, so it falls 0, 10 or
 * 20 minutes into the analysis window, (b) at the start of a labelled window (NAB's windows are hours wide, centred on
 * the anomaly), and (c) in quiet stretches at least one window length away from every labelled window.
 */
import type { WindowPlan } from "./release-scenario.ts";
import { UNCHANGED, type Cell } from "./scenario-cells.ts";
import type { NabFile } from "./nab-series.ts";

export const NAB_RPM = 300;
export const NAB_MODES = ["latency", "errors"] as const;
export const PLACEMENTS = ["before anomaly", "window start", "quiet"] as const;
export type NabMode = (typeof NAB_MODES)[number];
export type Placement = (typeof PLACEMENTS)[number];

const ANOMALY_OFFSETS = [0, 10, 20];
const QUIET_STEP_MINUTES = 180;
const QUIET_PER_FILE = 25;
const LEVEL_RANGE = [0.1, 10] as const;

export interface NabCell extends Cell {
  group: string;
  mode: NabMode;
  placement: Placement;
}

/** Per-minute level from `start` for `length` minutes: the last sample at or before each minute, ÷ the file median. */
function levels(file: NabFile, start: number, length: number, median: number): Float64Array {
  const out = new Float64Array(length);
  let i = 0;
  for (let t = 0; t < length; t++) {
    while (i + 1 < file.minutes.length && file.minutes[i + 1]! <= start + t) i++;
    out[t] = Math.min(LEVEL_RANGE[1], Math.max(LEVEL_RANGE[0], file.values[i]! / median));
  }
  return out;
}

function deployTimes(file: NabFile, plan: WindowPlan): Record<Placement, number[]> {
  const first = file.minutes[0]! + plan.baselineMinutes, last = file.minutes[file.minutes.length - 1]! - plan.analysisMinutes;
  const fits = (t: number) => t >= first && t <= last;
  const longest = Math.max(0, ...file.windows.map(([a, b]) => b - a));
  const quiet = (t: number) => file.windows.every(([a, b]) => t + plan.analysisMinutes <= a - longest || t - plan.baselineMinutes >= b + longest);
  const grid: number[] = [];
  for (let t = first; t <= last; t += QUIET_STEP_MINUTES) if (quiet(t)) grid.push(t);
  const every = Math.max(1, Math.ceil(grid.length / QUIET_PER_FILE));
  return {
    "before anomaly": file.anomalies.flatMap((a) => ANOMALY_OFFSETS.map((o) => a - o)).filter(fits),
    "window start": file.windows.map(([a]) => a).filter(fits),
    quiet: grid.filter((_, k) => k % every === 0),
  };
}

export function nabCells(files: readonly NabFile[], plan: WindowPlan): NabCell[] {
  const cells = new Map<string, NabCell>();
  const span = plan.baselineMinutes + plan.analysisMinutes;
  for (const file of files) {
    const sorted = [...file.values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    if (!(median > 0)) continue;
    const times = deployTimes(file, plan);
    for (const placement of PLACEMENTS) {
      for (const mode of NAB_MODES) {
        const key = `${file.group}|${mode}|${placement}`;
        let cell = cells.get(key);
        if (!cell) {
          cell = { group: file.group, mode, placement, effect: { ...UNCHANGED, label: `NAB ${key}` }, rpm: NAB_RPM, traffic: "normal", releases: 0, levels: [] };
          cells.set(key, cell);
        }
        for (const t of times[placement]) {
          const level = levels(file, t - plan.baselineMinutes, span, median);
          cell.levels!.push(mode === "latency" ? { latency: level } : { errors: level });
          cell.releases++;
        }
      }
    }
  }
  return [...cells.values()];
}
