/** The random processes behind the simulated error rate and latency: bursts, stationary AR(1) wander, binomial counts. */
import type { RandomSource } from "./random-source.ts";

/** A burst: starts with a small chance each minute, lasts a few minutes at a random factor. */
export class Burst {
  private left = 0;
  private factor = 1;

  constructor(private readonly shape: { perMinute: number; minutes: readonly number[]; factor: readonly number[] }) {}

  step(rng: RandomSource): number {
    if (this.left > 0) {
      this.left--;
      return this.factor;
    }
    if (!(this.shape.perMinute > 0) || rng.uniform() >= this.shape.perMinute) return 1;
    this.left = rng.integer(this.shape.minutes[0]!, this.shape.minutes[1]!) - 1;
    this.factor = rng.between(this.shape.factor[0]!, this.shape.factor[1]!);
    return this.factor;
  }
}

/** Stationary AR(1): x ← ρx + sd·√(1−ρ²)·ε, started from its stationary law. */
export class Ar1 {
  private x: number;
  private readonly innovation: number;

  constructor(private readonly rho: number, sd: number, rng: RandomSource) {
    this.x = sd * rng.normal();
    this.innovation = sd * Math.sqrt(1 - rho * rho);
  }

  step(rng: RandomSource): number {
    this.x = this.rho * this.x + this.innovation * rng.normal();
    return this.x;
  }
}

/** An AR(1) given by its one-minute step sd and stationary sd: a random walk over short spans that cannot run away. */
export function driftProcess(stepSd: number, stationarySd: number, rng: RandomSource): Ar1 {
  const rho = Math.sqrt(1 - (stepSd / stationarySd) ** 2);
  return new Ar1(rho, stationarySd, rng);
}

/**
 * The log error-rate wander of 4 hosts: a part common to all (variance share s) plus an independent copy per host
 * (share 1 − s) of the same slow + fast AR(1) processes; error bursts start shared at rate s and per host at 1 − s,
 * as in the review's simulation (verdict-sim/traffic.py, host_share).
 */
export class HostWander {
  private readonly common: { slow: Ar1; fast: Ar1; burst: Burst };
  private readonly own: { slow: Ar1; fast: Ar1; burst: Burst }[];
  /** exp(log wander) × burst per host, for the minute just stepped. */
  readonly factor: Float64Array;
  /** The shared part of the minute just stepped: slow and fast AR(1) states and the burst factor (for the before/after ceiling). */
  readonly shared = { slow: 0, fast: 0, burst: 1 };

  constructor(
    hosts: number,
    private readonly s: number,
    model: { slow: { rho: number; sd: number }; fast: { rho: number; sd: number }; burst: { perMinute: number; minutes: readonly number[]; factor: readonly number[] } },
    rng: RandomSource,
  ) {
    const copy = (burstShare: number) => ({
      slow: new Ar1(model.slow.rho, model.slow.sd, rng),
      fast: new Ar1(model.fast.rho, model.fast.sd, rng),
      burst: new Burst({ ...model.burst, perMinute: model.burst.perMinute * burstShare }),
    });
    this.common = copy(s);
    this.own = s < 1 ? Array.from({ length: hosts }, () => copy(1 - s)) : [];
    this.factor = new Float64Array(hosts);
    this.logMeanFix = (model.slow.sd ** 2 + model.fast.sd ** 2) / 2;
  }

  /** The constant that makes the log wander's exp average 1. */
  readonly logMeanFix: number;

  step(rng: RandomSource): Float64Array {
    const slow = this.common.slow.step(rng), fast = this.common.fast.step(rng);
    const common = Math.sqrt(this.s) * (slow + fast) - this.logMeanFix;
    const burst = this.common.burst.step(rng);
    Object.assign(this.shared, { slow, fast, burst });
    const rest = Math.sqrt(1 - this.s);
    for (let h = 0; h < this.factor.length; h++) {
      const own = this.own[h];
      this.factor[h] = own === undefined
        ? Math.exp(common) * burst
        : Math.exp(common + rest * (own.slow.step(rng) + own.fast.step(rng))) * burst * own.burst.step(rng);
    }
    return this.factor;
  }
}

/** Binomial(n, p) by geometric skips between successes (Devroye 1986, X.4): O(np) uniforms, exact. */
export function binomial(rng: RandomSource, n: number, p: number): number {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const logQ = Math.log1p(-p);
  let k = 0, at = 0;
  for (;;) {
    at += Math.floor(Math.log(1 - rng.uniform()) / logQ) + 1;
    if (at > n) return k;
    k++;
  }
}
