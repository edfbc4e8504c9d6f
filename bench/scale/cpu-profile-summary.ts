/**
 * Self time by function and by file from a V8 CPU profile (the JSON of `node --cpu-prof` or inspector's
 * Profiler.stop). Usable alone: `npx tsx bench/scale/cpu-profile-summary.ts file.cpuprofile [top]`.
 */
import { readFileSync } from "node:fs";
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: { name: string; ms: number }[];
  byFile: { name: string; ms: number }[];
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function shortFile(url: string): string {
  if (url === "") return "(native / VM)";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (path.startsWith(ROOT)) return path.slice(ROOT.length).replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, "node_modules/$1");
  return path.startsWith("node:") ? path : path.replace(/.*\/node_modules\//, "node_modules/");
}

/** The TypeScript line of a frame when this process loaded the file with a source map (tsx), else the JS line. */
function sourceLine(url: string, line: number, column: number): number {
  try {
    const entry = findSourceMap(url)?.findEntry(line, column) as { originalLine?: number } | undefined;
    if (entry?.originalLine !== undefined) return entry.originalLine + 1;
  } catch {
    // Not loaded here (a profile read from a file): the transpiled line is the best there is.
  }
  return line + 1;
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next one (the last sample gets none): V8's own convention.
  for (let i = 0; i < samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + dt);
  }
  const fn = new Map<string, number>(), file = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    total += ms;
    const f = shortFile(url);
    const key = `${functionName || "(anonymous)"} ${f}${url ? `:${sourceLine(url, lineNumber, columnNumber)}` : ""}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    file.set(f, (file.get(f) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total, byFunction: sorted(fn), byFile: sorted(file) };
}

export function printSummary(s: ProfileSummary, top = 25, perUnit?: { label: string; count: number }): void {
  const unit = perUnit ? ` (ms per ${perUnit.label})` : "";
  const line = (r: { name: string; ms: number }) =>
    `  ${r.ms.toFixed(0).padStart(7)} ms ${((100 * r.ms) / s.totalMs).toFixed(1).padStart(5)} %${perUnit ? `  ${(r.ms / perUnit.count).toFixed(3).padStart(7)}` : ""}  ${r.name}`;
  console.error(`CPU profile: ${s.totalMs.toFixed(0)} ms of samples (idle excluded)${perUnit ? `, ${(s.totalMs / perUnit.count).toFixed(3)} ms per ${perUnit.label}` : ""}`);
  console.error(`self time by file${unit}:`);
  for (const r of s.byFile.slice(0, top)) console.error(line(r));
  console.error(`self time by function${unit}:`);
  for (const r of s.byFunction.slice(0, top)) console.error(line(r));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error("usage: cpu-profile-summary.ts <file.cpuprofile> [top]");
  printSummary(summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile), Number(top ?? 25));
}
