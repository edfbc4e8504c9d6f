import { spawnSync } from "node:child_process";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition (format 0.0.4), comments left out. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample with this name whose labels include these; undefined when there is none. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Why promtool cannot run here, or undefined when it can (`npm test` needs nothing but Node, so its checks skip). */
export function promtoolMissing(): string | undefined {
  if (spawnSync("sh", ["-c", "command -v promtool"]).status === 0) return undefined;
  return "promtool is not installed (Debian: apt-get install prometheus); its checks are skipped";
}

export function promtool(args: string[], input?: string): { code: number | null; output: string } {
  const run = spawnSync("promtool", args, { input, encoding: "utf8" });
  return { code: run.status, output: `${run.stdout ?? ""}${run.stderr ?? ""}` };
}
