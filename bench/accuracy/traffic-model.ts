/**
 * The shape of the simulated service: every number the generator draws from, in one place, so the report can print it.
 * Latency is a two-part log-normal mixture per host (a fast path and a slow path, e.g. cache misses), which is what a
 * p95 effect is defined on.
 */
import { normalCdf } from "../../src/analysis/normal-distribution.ts";

function errorCycle(): number {
  const value = Number(process.env.BENCH_ERROR_CYCLE ?? 0.2);
  if (!(value >= 0)) throw new Error("BENCH_ERROR_CYCLE must be a number ≥ 0");
  return value;
}

export const MODEL = {
  /** Base error rate per release, log-uniform: a fleet of services from healthy (0.2 %) to noisy (2 %). */
  errorRate: { low: 0.002, high: 0.02 },
  /** Median latency of the fast path per release, log-uniform, ms. */
  medianMs: { low: 60, high: 120 },
  fastSigma: 0.45,
  /** Share of requests on the slow path, its median as a multiple of the fast median, and its log spread. */
  slowShare: 0.03,
  slowRatio: 4,
  slowSigma: 0.6,
  /** Four hosts; the last one is slower and a little more error-prone. Shares jitter ±10 % per release. */
  hostLatency: [0.95, 1.0, 1.05, 1.25],
  hostErrors: [1, 1, 1, 1.5],
  /** Traffic: ± amplitude of the daily cycle, per-minute log noise. */
  diurnalAmplitude: 0.3,
  /** Log error rate: amplitude of its own daily cycle, in phase with the traffic (errors rise at peak load).
   * BENCH_ERROR_CYCLE=0 runs the review's generator, which had none (to see what the cycle costs a forecast). */
  errorDiurnalAmplitude: errorCycle(),
  /** Counts-only history before the 60-minute baseline: 3 days, what the forecast and its A/A wander need. */
  historyMinutes: 4320,
  trafficNoise: 0.05,
  /** Latency: how much load moves the median (elasticity); the log median drifts as an AR(1) whose minute steps have
   * sd 0.004 (a random walk over an hour or two) and whose stationary sd is 5 %, so three days of history stay stationary. */
  latencyLoadElasticity: 0.1,
  latencyDriftPerMinute: 0.004,
  latencyDriftSd: 0.05,
  /** log error rate = slow AR(1) + fast AR(1): per-minute autocorrelation and stationary standard deviation. */
  errorSlow: { rho: 0.98, sd: 0.15 },
  errorFast: { rho: 0.6, sd: 0.25 },
  /** Bursts, in baselines and analysis windows alike: chance to start per minute, length in minutes, factor. */
  trafficBurst: { perMinute: 1 / 180, minutes: [1, 5], factor: [1.5, 3] },
  errorBurst: { perMinute: 1 / 240, minutes: [1, 3], factor: [3, 8] },
} as const;

export interface HostMix {
  shares: number[];
  latency: readonly number[];
}

/** P(latency > x) on one host whose fast-path median is m, slow-path share f: what history exceedances are drawn from. */
export function hostExceedance(x: number, m: number, f: number): number {
  const lx = Math.log(x), lm = Math.log(m);
  const fast = normalCdf((lx - lm) / MODEL.fastSigma);
  const slow = normalCdf((lx - lm - Math.log(MODEL.slowRatio)) / MODEL.slowSigma);
  return 1 - ((1 - f) * fast + f * slow);
}

/** P(latency ≤ x) for fast median m and slow-path share f over the host mix. */
export function mixtureCdf(x: number, m: number, f: number, hosts: HostMix): number {
  const lx = Math.log(x);
  let p = 0;
  hosts.shares.forEach((w, h) => {
    const lm = Math.log(m * hosts.latency[h]!);
    const fast = normalCdf((lx - lm) / MODEL.fastSigma);
    const slow = normalCdf((lx - lm - Math.log(MODEL.slowRatio)) / MODEL.slowSigma);
    p += w * ((1 - f) * fast + f * slow);
  });
  return p;
}

/** The q-quantile of the mixture, by bisection on log latency. */
export function mixtureQuantile(q: number, m: number, f: number, hosts: HostMix): number {
  let lo = Math.log(m) - 6, hi = Math.log(m) + 8;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (mixtureCdf(Math.exp(mid), m, f, hosts) < q) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * The slow-path share that raises p95 by `rise` (0.25 = +25 %) with the fast path untouched: the "tail-only" release.
 * The median moves only by the mass that changes path (about +5 % at +50 %).
 */
export function slowShareForP95Rise(rise: number, hosts: HostMix): number {
  const target = (1 + rise) * mixtureQuantile(0.95, 1, MODEL.slowShare, hosts);
  let lo: number = MODEL.slowShare, hi = 0.5;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (mixtureQuantile(0.95, 1, mid, hosts) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export const EVEN_HOSTS: HostMix = { shares: MODEL.hostLatency.map(() => 1 / MODEL.hostLatency.length), latency: MODEL.hostLatency };

/** A typical baseline p95: the mixture at the geometric middle of the median range, hosts evenly loaded. */
export function typicalP95(): number {
  return mixtureQuantile(0.95, Math.sqrt(MODEL.medianMs.low * MODEL.medianMs.high), MODEL.slowShare, EVEN_HOSTS);
}
