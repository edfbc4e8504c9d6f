/**
 * Where the CPU of a benchmark phase went, from /proc (Linux): the replica processes, the PostgreSQL server (its
 * backends for one database plus its background processes) and this client, beside how many of the machine's cores
 * were busy. On a shared 2-core machine the wall-clock rate says little about real hardware; CPU per unit of work
 * and whether the cores were saturated say what N machines would do.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { pgCpuBetween, pgCpuSnapshot, type PgCpuSnapshot } from "./pg-cpu.ts";
import { processCpuMs } from "./proc-stat.ts";

export interface CpuSplit {
  replicasMs: number;
  postgresMs: number;
  clientMs: number;
  /** Average cores busy over the phase, all processes on the machine. */
  busyCores: number;
  wallMs: number;
}

/** Jiffies busy and in all, from the first line of /proc/stat. */
function machineJiffies(): { busy: number; all: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = fields.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = fields[3]! + fields[4]!;
  return { busy: all - idle, all };
}

export class CpuMeter {
  private constructor(
    private readonly pids: number[],
    private readonly adminUrl: string | undefined,
    private readonly database: string | undefined,
    private readonly replicas0: number,
    private readonly pg0: PgCpuSnapshot | undefined,
    private readonly client0: NodeJS.CpuUsage,
    private readonly machine0: { busy: number; all: number },
    private readonly t0: number,
  ) {}

  /** `adminUrl` and `database` when the store is a PostgreSQL on this machine. */
  static async start(pids: number[], adminUrl?: string, database?: string): Promise<CpuMeter> {
    const pg0 = adminUrl && database ? await pgCpuSnapshot(adminUrl, database) : undefined;
    const replicas0 = pids.reduce((s, pid) => s + (processCpuMs(pid) ?? 0), 0);
    return new CpuMeter(pids, adminUrl, database, replicas0, pg0, process.cpuUsage(), machineJiffies(), performance.now());
  }

  async stop(): Promise<CpuSplit> {
    const wallMs = performance.now() - this.t0;
    const machine = machineJiffies(), client = process.cpuUsage(this.client0);
    const replicasMs = this.pids.reduce((s, pid) => s + (processCpuMs(pid) ?? 0), 0) - this.replicas0;
    const postgresMs = this.pg0 && this.adminUrl && this.database ? pgCpuBetween(this.pg0, await pgCpuSnapshot(this.adminUrl, this.database)) : 0;
    const cores = cpus().length;
    const busyCores = (cores * (machine.busy - this.machine0.busy)) / Math.max(1, machine.all - this.machine0.all);
    return { replicasMs, postgresMs, clientMs: (client.user + client.system) / 1000, busyCores, wallMs };
  }
}
