/**
 * The NAB subset in ../shared/data/nab (Numenta Anomaly Benchmark, MIT since 2024-12-03; see its SOURCES.md): series as
 * `timestamp,value` CSV, labelled anomaly windows and anomaly points per file. Read at run time, never copied.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface NabFile {
  /** The NAB folder: realAWSCloudwatch, realKnownCause or realTraffic. */
  group: string;
  name: string;
  /** Sample times in epoch minutes (timestamps carry no zone: read as UTC), ascending. */
  minutes: number[];
  values: number[];
  windows: [number, number][];
  anomalies: number[];
}

const toMinute = (s: string) => Date.parse(`${s.trim().slice(0, 19).replace(" ", "T")}Z`) / 60_000;

function readCsv(path: string): { minutes: number[]; values: number[] } {
  const minutes: number[] = [], values: number[] = [];
  for (const line of readFileSync(path, "utf8").split("\n").slice(1)) {
    const [ts, value] = line.split(",");
    const m = ts ? toMinute(ts) : NaN, v = Number(value);
    if (Number.isFinite(m) && Number.isFinite(v)) {
      minutes.push(m);
      values.push(v);
    }
  }
  return { minutes, values };
}

/** Every labelled file under data/ that exists here; undefined when the folder is missing. */
export function loadNab(dir: string): NabFile[] | undefined {
  const windowsPath = join(dir, "labels", "combined_windows.json"), labelsPath = join(dir, "labels", "combined_labels.json");
  if (!existsSync(windowsPath) || !existsSync(labelsPath)) return undefined;
  const windows = JSON.parse(readFileSync(windowsPath, "utf8")) as Record<string, [string, string][]>;
  const labels = JSON.parse(readFileSync(labelsPath, "utf8")) as Record<string, string[]>;
  const files: NabFile[] = [];
  for (const [key, spans] of Object.entries(windows).sort(([a], [b]) => a.localeCompare(b))) {
    const path = join(dir, "data", key);
    if (!existsSync(path)) continue;
    const [group = "", name = key] = key.split("/");
    files.push({
      group, name, ...readCsv(path),
      windows: spans.map(([a, b]) => [toMinute(a), toMinute(b)]),
      anomalies: (labels[key] ?? []).map(toMinute),
    });
  }
  return files;
}
