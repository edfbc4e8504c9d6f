import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "pino";

export interface Job {
  name: string;
  cron: string;
  run: () => unknown | Promise<unknown>;
}

/** A cron expression for "every N seconds" (6 fields: node-cron's seconds field). */
export function everySeconds(n: number): string {
  if (n < 60) return `*/${n} * * * * *`;
  return `0 */${Math.max(1, Math.round(n / 60))} * * * *`;
}

/** Starts every job; a run is skipped while the previous one is still going, and errors are logged, never thrown. */
export function startJobs(jobs: readonly Job[], logger: Logger): { stop: () => Promise<void> } {
  const tasks: ScheduledTask[] = jobs.map((job) => {
    const log = logger.child({ job: job.name });
    return cron.schedule(
      job.cron,
      async () => {
        const started = performance.now();
        try {
          const result = await job.run();
          if (typeof result === "number" && result > 0) log.debug({ done: result, ms: Math.round(performance.now() - started) }, "job ran");
        } catch (err) {
          log.error({ err }, "job failed");
        }
      },
      { name: job.name, noOverlap: true },
    );
  });
  return {
    stop: async () => {
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
