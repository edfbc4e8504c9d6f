import type { Config } from "../config.ts";
import type { Container } from "../container.ts";
import { everySeconds, type Job } from "./schedule.ts";
import { CRON_LEASE_MS, intervalLease, singleton } from "./singleton-job.ts";

/**
 * Every scheduled job of the service, in one place. Evaluations, alerts and rollbacks are claimed row by row, so every
 * replica runs those; the rest run on one replica at a time, the holder of the job's lease (src/jobs/job-leases.ts).
 * Batch verdicts are few (rolling deploys only) and judged under one lease rather than row claims.
 */
export function jobList(config: Config, c: Container): Job[] {
  const one = (job: Job, ttlMs: number) => singleton(job, c.jobLeases, ttlMs);
  return [
    { name: "evaluate-releases", cron: everySeconds(config.evalIntervalSeconds), run: () => c.verdicts.runAllDue() },
    one({ name: "evaluate-batches", cron: everySeconds(config.evalIntervalSeconds), run: () => c.batches.runDueReading() }, intervalLease(config.evalIntervalSeconds)),
    { name: "deliver-alerts", cron: everySeconds(5), run: () => c.dispatcher.deliverDue() },
    one({ name: "github-sync", cron: everySeconds(5), run: () => c.github?.tick() ?? 0 }, intervalLease(5)),
    { name: "run-rollbacks", cron: everySeconds(5), run: () => c.rollbacks.runDue() },
    one({ name: "capacity-refit-releases", cron: everySeconds(300), run: () => c.capacity.refitReleases() }, intervalLease(300)),
    one({ name: "capacity-refit-nightly", cron: config.capacityRefitCron, run: () => c.capacity.refitNightly() }, CRON_LEASE_MS),
    one({
      name: "prune-telemetry",
      cron: "0 17 * * * *",
      run: () => c.telemetry.prune(c.now() - config.retentionDays * 24 * 3600 * 1000),
    }, CRON_LEASE_MS),
    one({
      name: "prune-evaluations",
      cron: "0 47 * * * *",
      run: () => c.evaluationRetention.prune(c.now() - config.retentionDays * 24 * 3600 * 1000),
    }, CRON_LEASE_MS),
  ];
}
