/**
 * Per-minute aggregates (requests, errors, latency histogram) of one release, drawn request by request for latency and
 * per minute for counts: a daily cycle, per-host differences, bursts in both windows, an error rate whose log wanders
 * (two AR(1) processes, so minutes are overdispersed against Poisson) and a latency median that drifts slowly.
 */
import { BUCKETS, bucketOf } from "../../src/telemetry/latency-histogram.ts";
import type { RandomSource } from "./random-source.ts";
import type { MinuteAggregate, ReleaseSpec, SimulatedRelease, WindowPlan } from "./release-scenario.ts";
import { EVEN_HOSTS, MODEL, slowShareForP95Rise, type HostMix } from "./traffic-model.ts";

/** A burst: starts with a small chance each minute, lasts a few minutes at a random factor. */
class Burst {
  private left = 0;
  private factor = 1;

  constructor(private readonly shape: { perMinute: number; minutes: readonly number[]; factor: readonly number[] }) {}

  step(rng: RandomSource): number {
    if (this.left > 0) {
      this.left--;
      return this.factor;
    }
    if (rng.uniform() >= this.shape.perMinute) return 1;
    this.left = rng.integer(this.shape.minutes[0]!, this.shape.minutes[1]!) - 1;
    this.factor = rng.between(this.shape.factor[0]!, this.shape.factor[1]!);
    return this.factor;
  }
}

/** Stationary AR(1): x ← ρx + sd·√(1−ρ²)·ε, started from its stationary law. */
class Ar1 {
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

const tailShares = new Map<number, number>();
/** Calibrated once per effect on evenly loaded hosts; the report prints the p95 change each cell really got. */
function tailShare(rise: number): number {
  let share = tailShares.get(rise);
  if (share === undefined) tailShares.set(rise, (share = slowShareForP95Rise(rise, EVEN_HOSTS)));
  return share;
}

/** Reuses its minute histograms: a release's data is valid until the next call to generate(). */
export class TrafficGenerator {
  private readonly minutes: MinuteAggregate[];
  private readonly history: { events: number; exposure: number }[];

  constructor(private readonly plan: WindowPlan) {
    const total = plan.baselineMinutes + plan.analysisMinutes;
    this.minutes = Array.from({ length: total }, () => ({ requests: 0, errors: 0, hist: new Float64Array(BUCKETS) }));
    this.history = Array.from({ length: plan.historyMinutes }, () => ({ events: 0, exposure: 0 }));
  }

  generate(spec: ReleaseSpec, rng: RandomSource): SimulatedRelease {
    const deployAt = this.plan.baselineMinutes;
    const baseErrorRate = rng.logUniform(MODEL.errorRate.low, MODEL.errorRate.high);
    const medianMs = rng.logUniform(MODEL.medianMs.low, MODEL.medianMs.high);
    const raw = MODEL.hostLatency.map(() => 1 + 0.1 * (2 * rng.uniform() - 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    const hosts: HostMix = { shares: raw.map((w) => w / sum), latency: MODEL.hostLatency };
    const cumulative = hosts.shares.map((_, h) => hosts.shares.slice(0, h + 1).reduce((a, b) => a + b, 0));
    const meanHostErrors = hosts.shares.reduce((acc, w, h) => acc + w * MODEL.hostErrors[h]!, 0);
    const slowAfter = spec.latency.kind === "tail" ? tailShare(spec.latency.rise) : MODEL.slowShare;
    const scaleAfter = spec.latency.kind === "scale" ? 1 + spec.latency.rise : 1;

    const phase = rng.uniform() * 1440;
    const trafficBurst = new Burst(MODEL.trafficBurst), errorBurst = new Burst(MODEL.errorBurst);
    const slow = new Ar1(MODEL.errorSlow.rho, MODEL.errorSlow.sd, rng), fast = new Ar1(MODEL.errorFast.rho, MODEL.errorFast.sd, rng);
    const logMeanFix = (MODEL.errorSlow.sd ** 2 + MODEL.errorFast.sd ** 2) / 2;
    const hostCounts = new Float64Array(hosts.shares.length);
    const hostMedian = new Float64Array(hosts.shares.length);
    let drift = 0;

    // The hours before the baseline, same processes, counts only (host shares only move errors between hosts).
    this.history.forEach((minute, i) => {
      const t = i - this.history.length;
      const load = 1 + MODEL.diurnalAmplitude * Math.sin((2 * Math.PI * (phase + t)) / 1440);
      const noise = Math.exp(MODEL.trafficNoise * rng.normal() - MODEL.trafficNoise ** 2 / 2);
      const requests = spec.traffic === "none" ? 0 : rng.poisson(spec.rpm * load * trafficBurst.step(rng) * noise);
      const errorRate = Math.min(0.9, baseErrorRate * Math.exp(slow.step(rng) + fast.step(rng) - logMeanFix) * errorBurst.step(rng));
      minute.exposure = requests;
      minute.events = requests > 0 ? Math.min(requests, rng.poisson(requests * errorRate)) : 0;
    });

    this.minutes.forEach((minute, t) => {
      const after = t >= deployAt;
      const load = 1 + MODEL.diurnalAmplitude * Math.sin((2 * Math.PI * (phase + t)) / 1440);
      const burst = trafficBurst.step(rng);
      const noise = Math.exp(MODEL.trafficNoise * rng.normal() - MODEL.trafficNoise ** 2 / 2);
      const silent = spec.traffic === "none" || (spec.traffic === "none_after" && after);
      const requests = silent ? 0 : rng.poisson(spec.rpm * load * burst * noise);

      const errorRate = Math.min(0.9, baseErrorRate * Math.exp(slow.step(rng) + fast.step(rng) - logMeanFix) * errorBurst.step(rng)
        * (after ? spec.errorFactor : 1) * (spec.level?.errors?.[t] ?? 1));
      drift += MODEL.latencyDriftPerMinute * rng.normal();
      const median = medianMs * (1 + MODEL.latencyLoadElasticity * (load - 1)) * (1 + MODEL.latencyLoadElasticity * (burst - 1))
        * Math.exp(drift) * (spec.level?.latency?.[t] ?? 1) * (after ? scaleAfter : 1);
      const slowShare = after ? slowAfter : MODEL.slowShare;

      minute.hist.fill(0);
      hostCounts.fill(0);
      hosts.latency.forEach((k, h) => (hostMedian[h] = median * k));
      for (let i = 0; i < requests; i++) {
        // One uniform picks the host and, rescaled within the host's share, the path.
        const u = rng.uniform();
        let h = 0;
        while (h < cumulative.length - 1 && u >= cumulative[h]!) h++;
        hostCounts[h]!++;
        const within = (u - (h === 0 ? 0 : cumulative[h - 1]!)) / hosts.shares[h]!;
        const latency = within < slowShare
          ? hostMedian[h]! * MODEL.slowRatio * Math.exp(MODEL.slowSigma * rng.normal())
          : hostMedian[h]! * Math.exp(MODEL.fastSigma * rng.normal());
        minute.hist[bucketOf(latency)]!++;
      }
      let errors = 0;
      hostCounts.forEach((n, h) => (errors += n > 0 ? rng.poisson((n * errorRate * MODEL.hostErrors[h]!) / meanHostErrors) : 0));
      minute.requests = requests;
      minute.errors = Math.min(errors, requests);
    });
    return { minutes: this.minutes, deployAt, history: this.history, baseErrorRate, medianMs };
  }
}
