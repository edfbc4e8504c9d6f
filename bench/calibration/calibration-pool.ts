/** The calibration's worker threads: one request to each at a time, answers gathered in worker order. */
import { Worker } from "node:worker_threads";
import type { GenerateJob } from "./calibration-jobs.ts";
import type { CaseReport, WorkerRequest } from "./calibration-worker.ts";

export interface Generated {
  unchanged: number;
  floor: number;
  skipped: number;
}

export class CalibrationPool {
  private constructor(private readonly workers: Worker[], readonly generated: Generated) {}

  /** Starts the workers; each simulates its share of the job's releases before it says it is ready. */
  static async start(job: Omit<GenerateJob, "worker" | "workers">, count: number): Promise<CalibrationPool> {
    const entry = new URL("./calibration-worker.ts", import.meta.url).href;
    // A worker does not inherit the parent's loader: it registers tsx itself.
    const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
    const workers = Array.from({ length: count }, (_, worker) => new Worker(boot, { eval: true, workerData: { ...job, worker, workers: count } }));
    const ready = await Promise.all(workers.map((w) => CalibrationPool.next<Generated>(w)));
    const sum = (k: keyof Generated) => ready.reduce((s, r) => s + r[k], 0);
    return new CalibrationPool(workers, { unchanged: sum("unchanged"), floor: sum("floor"), skipped: sum("skipped") });
  }

  private static next<T>(w: Worker): Promise<T> {
    return new Promise((resolve, reject) => {
      const cleanup = () => { w.off("message", onMessage); w.off("error", onError); };
      const onMessage = (m: T) => { cleanup(); resolve(m); };
      const onError = (e: Error) => { cleanup(); reject(e); };
      w.on("message", onMessage);
      w.on("error", onError);
    });
  }

  async ask(req: WorkerRequest): Promise<CaseReport[]> {
    const replies = await Promise.all(this.workers.map((w) => {
      const reply = CalibrationPool.next<{ reports?: CaseReport[] }>(w);
      w.postMessage(req);
      return reply;
    }));
    return replies.flatMap((r) => r.reports ?? []);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
