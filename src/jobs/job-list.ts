import type { Config } from "../config.ts";
import type { Container } from "../container.ts";
import { everySeconds, type Job } from "./schedule.ts";

/** Every scheduled job of the service, in one place. */
export function jobList(config: Config, c: Container): Job[] {
  return [
    { name: "evaluate-releases", cron: everySeconds(config.evalIntervalSeconds), run: () => c.verdicts.runAllDue() },
    { name: "evaluate-batches", cron: everySeconds(config.evalIntervalSeconds), run: () => c.batches.runDueReading() },
    { name: "deliver-alerts", cron: everySeconds(5), run: () => c.dispatcher.deliverDue() },
    { name: "github-sync", cron: everySeconds(5), run: () => c.github?.tick() ?? 0 },
    { name: "run-rollbacks", cron: everySeconds(5), run: () => c.rollbacks.runDue() },
    { name: "capacity-refit-releases", cron: everySeconds(300), run: () => c.capacity.refitReleases() },
    { name: "capacity-refit-nightly", cron: config.capacityRefitCron, run: () => c.capacity.refitNightly() },
    {
      name: "prune-telemetry",
      cron: "0 17 * * * *",
      run: () => c.telemetry.prune(c.now() - config.retentionDays * 24 * 3600 * 1000),
    },
  ];
}
