import type { JobLeases } from "./job-leases.ts";
import type { Job } from "./schedule.ts";

/**
 * A job that only the lease holder runs, for `ttlMs` after its last run. An interval job's lease outlives several
 * intervals, so the holder renews it at each run and keeps the job until it dies; a cron job's lease is longer than
 * its run and any clock skew between replicas, so a nightly run fired on every replica at once still runs once.
 */
export function singleton(job: Job, leases: JobLeases, ttlMs: number): Job {
  return { ...job, run: async () => ((await leases.acquire(job.name, ttlMs)) ? job.run() : 0) };
}

/** A lease for a job run every `seconds`: three intervals, at least a minute. */
export const intervalLease = (seconds: number): number => Math.max(60_000, 3 * seconds * 1000);

/** A lease for a cron job: longer than any run of it, and than the clock skew between replicas. */
export const CRON_LEASE_MS = 30 * 60_000;
