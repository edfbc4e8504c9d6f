import { seededSampler } from "../support/seeded-sampler.ts";

/** The bank's model: CPU % = 0.145·accounts_opened + 0.267·accounts_closed + 0.005 (per minute). */
export const BANK = { intercept: 0.005, accounts_opened: 0.145, accounts_closed: 0.267 } as const;

export interface WorkloadOptions {
  seed: number;
  minutes: number;
  /** Epoch ms of the first minute (whole minute). */
  start?: number;
  /** CPU noise, standard deviation in CPU percentage points. */
  noiseSd?: number;
  /** From this minute index on, accounts_closed costs `closedCostAfter` instead. */
  changeAt?: number;
  closedCostAfter?: number;
  /** Daily growth of both volumes, as a fraction (0.02 = +2 % a day). */
  growthPerDay?: number;
}

export interface Workload {
  t: Float64Array;
  opened: Float64Array;
  closed: Float64Array;
  cpu: Float64Array;
}

const DAY_MINUTES = 1440;

/**
 * Seeded per-minute volumes with daily cycles (opening peaks late morning, closing mid-afternoon, so the two are not
 * collinear), Poisson counts, and CPU from the bank's coefficients plus normal noise.
 */
export function bankWorkload(o: WorkloadOptions): Workload {
  const rng = seededSampler(o.seed);
  const n = o.minutes, start = o.start ?? Date.parse("2026-11-01T00:00:00Z");
  const w: Workload = { t: new Float64Array(n), opened: new Float64Array(n), closed: new Float64Array(n), cpu: new Float64Array(n) };
  const sd = o.noiseSd ?? 1.5;
  for (let i = 0; i < n; i++) {
    const dayPhase = ((i % DAY_MINUTES) / DAY_MINUTES) * 2 * Math.PI;
    const growth = 1 + (o.growthPerDay ?? 0) * (i / DAY_MINUTES);
    const opened = rng.poisson(growth * 60 * (1 + 0.7 * Math.sin(dayPhase - 1.9)));
    const closed = rng.poisson(growth * 40 * (1 + 0.6 * Math.sin(dayPhase - 2.9) + 0.2 * Math.sin(2 * dayPhase)));
    const closedCost = o.changeAt !== undefined && i >= o.changeAt ? (o.closedCostAfter ?? BANK.accounts_closed) : BANK.accounts_closed;
    w.t[i] = start + i * 60_000;
    w.opened[i] = opened;
    w.closed[i] = closed;
    w.cpu[i] = BANK.intercept + BANK.accounts_opened * opened + closedCost * closed + sd * rng.normal();
  }
  return w;
}
