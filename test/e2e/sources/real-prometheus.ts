import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** A counter written as history: `perMinute[m]` requests in minute m after `startMs`, spread evenly over 15 s scrapes. */
export interface CounterHistory {
  name: string;
  labels: Record<string, string>;
  startMs: number;
  perMinute: number[];
}

/** A histogram: for minute m, each bucket's upper bound in seconds and its observations (not cumulative, multiples of 4). */
export interface HistogramHistory {
  name: string;
  labels: Record<string, string>;
  startMs: number;
  minutes: number;
  perBucket: (minute: number) => [le: number, count: number][];
}

export interface RealPrometheus {
  url: string;
  stop: () => Promise<void>;
}

const SCRAPE_SECONDS = 15;

/** Whether the Debian `prometheus` package is here; in CI its absence fails the test file instead of skipping it. */
export function prometheusAvailable(): boolean {
  const found = ["prometheus", "promtool"].every((cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0);
  if (!found && process.env.CI) throw new Error("prometheus and promtool are required in CI: apt-get install prometheus");
  if (!found) console.warn("prometheus tests skipped: install Debian's prometheus package (prometheus, promtool) to run them");
  return found;
}

const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");

/**
 * OpenMetrics text for the history. Samples fall on whole 15 s marks from the series' first minute to the end of its
 * last, so `increase(x[60s])` evaluated on a minute mark sees samples on both edges of its range and returns the
 * minute's count without extrapolation (Prometheus 2's closed ranges; Prometheus 3 extrapolates 15 s to the same count).
 */
export function openMetrics(counters: CounterHistory[], histograms: HistogramHistory[] = []): string {
  const lines: string[] = [];
  for (const [name, series] of groupByName(counters)) {
    lines.push(`# TYPE ${name} counter`);
    for (const c of series) {
      let total = 0;
      for (let m = 0; m <= c.perMinute.length; m++) {
        const perMinute = c.perMinute[m] ?? 0;
        const quarters = m === c.perMinute.length ? 1 : 4;
        for (let k = 0; k < quarters; k++) {
          lines.push(`${name}_total{${labelText(c.labels)}} ${total + (perMinute * k) / 4} ${(c.startMs + m * 60_000 + k * SCRAPE_SECONDS * 1000) / 1000}`);
        }
        total += perMinute;
      }
    }
  }
  for (const [name, series] of groupByName(histograms)) {
    lines.push(`# TYPE ${name} histogram`);
    for (const h of series) {
      const done = new Map<string, number>();
      for (let m = 0; m <= h.minutes; m++) {
        const buckets = m === h.minutes ? h.perBucket(m - 1).map(([le]): [number, number] => [le, 0]) : h.perBucket(m);
        let cumulative = 0;
        const rows: [string, Record<string, string>, number][] = buckets.map(([le, n]) => [`${name}_bucket`, { ...h.labels, le: String(le) }, (cumulative += n)]);
        rows.push([`${name}_bucket`, { ...h.labels, le: "+Inf" }, cumulative], [`${name}_count`, h.labels, cumulative], [`${name}_sum`, h.labels, cumulative / 10]);
        for (let k = 0; k < (m === h.minutes ? 1 : 4); k++) {
          const ts = (h.startMs + m * 60_000 + k * SCRAPE_SECONDS * 1000) / 1000;
          for (const [metric, labels, perMinute] of rows) {
            const key = `${metric}{${labelText(labels)}}`;
            lines.push(`${key} ${(done.get(key) ?? 0) + (perMinute * k) / 4} ${ts}`);
          }
        }
        for (const [metric, labels, perMinute] of rows) {
          const key = `${metric}{${labelText(labels)}}`;
          done.set(key, (done.get(key) ?? 0) + perMinute);
        }
      }
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

function groupByName<T extends { name: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.name, [...(groups.get(item.name) ?? []), item]);
  return groups;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Builds TSDB blocks from the history with promtool, starts a Prometheus on them and waits for /-/ready. */
export async function startPrometheus(dir: string, history: string): Promise<RealPrometheus> {
  const data = join(dir, "tsdb");
  mkdirSync(data, { recursive: true });
  writeFileSync(join(dir, "history.om"), history);
  writeFileSync(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
  const built = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", join(dir, "history.om"), data], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`promtool failed:\n${built.stdout}\n${built.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn("prometheus", [
    `--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`,
    "--storage.tsdb.retention.time=30d", "--log.level=warn",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}
