/**
 * One simulated release, per host and per minute: 3 days of counts-only history (requests, errors, and exceedances
 * beyond the pre-deploy p95 drawn binomially from the analytic latency mixture), then the 60-minute baseline and up to
 * 240 analysis minutes with latency drawn request by request for the first 120. A daily cycle moves traffic and the
 * error rate alike; the error rate's wander is split into a part shared by all hosts and a part per host.
 */
import { BUCKETS, bucketOf } from "../../src/telemetry/latency-histogram.ts";
import { exceedanceThreshold, thresholdMs } from "../../src/analysis/sequential/latency-evidence.ts";
import type { RandomSource } from "./random-source.ts";
import type { GroupHistory, MinuteAggregate, ReleaseSpec, SimulatedRelease, WanderPath, WindowPlan } from "./release-scenario.ts";
import { EVEN_HOSTS, hostExceedance, MODEL, slowShareForP95Rise } from "./traffic-model.ts";
import { binomial, Burst, driftProcess, HostWander } from "./wander-process.ts";

const HOSTS = MODEL.hostLatency.length;
/** Monday 2026-01-05 00:00 UTC: history starts on this day at a random minute, which places the daily cycle. */
const EPOCH = Date.UTC(2026, 0, 5);
/** Latency history as the evaluator reads it (src/verdicts/sequential-evidence.ts#latencyHistory): up to 3 days. */
export const LATENCY_HISTORY_DAYS = 3;
const EXCEEDANCE_HISTORY_MINUTES = LATENCY_HISTORY_DAYS * 1440;

const tailShares = new Map<number, number>();
/** Calibrated once per effect on evenly loaded hosts; the report prints the p95 change each cell really got. */
export function tailShare(rise: number): number {
  let share = tailShares.get(rise);
  if (share === undefined) tailShares.set(rise, (share = slowShareForP95Rise(rise, EVEN_HOSTS)));
  return share;
}

const cycle = (amplitude: number, minuteOfDay: number) => amplitude * Math.sin((2 * Math.PI * minuteOfDay) / 1440);

/** Reuses its buffers: a release's data is valid until the next call to generate(). */
export class TrafficGenerator {
  private readonly minutes: MinuteAggregate[];
  private readonly history: GroupHistory;
  private readonly hostRequests: Int32Array;
  private readonly historyMedian: Float64Array;
  private readonly expected: Float64Array;
  private readonly expectedControl: Float64Array;
  private readonly expectedRequests: Float64Array;
  private readonly path: WanderPath;

  constructor(private readonly plan: WindowPlan, private readonly historyMinutes: number = MODEL.historyMinutes) {
    const total = plan.baselineMinutes + plan.analysisMinutes;
    this.minutes = Array.from({ length: total }, () => ({
      requests: 0, errors: 0, hist: new Float64Array(BUCKETS), groupRequests: [0, 0], groupErrors: [0, 0],
      groupHist: [new Float64Array(BUCKETS), new Float64Array(BUCKETS)],
    }));
    const m = historyMinutes;
    this.history = { minutes: m, requests: new Int32Array(2 * m), errors: new Int32Array(2 * m), exceed: new Int32Array(2 * m) };
    this.hostRequests = new Int32Array(HOSTS * m);
    this.historyMedian = new Float64Array(m);
    this.expected = new Float64Array(total);
    this.expectedControl = new Float64Array(total);
    this.expectedRequests = new Float64Array(total);
    this.path = {
      slow: new Float64Array(total), fast: new Float64Array(total), burst: new Float64Array(total), unwandered: new Float64Array(total), logMeanFix: 0,
      rho: { slow: MODEL.errorSlow.rho, fast: MODEL.errorFast.rho }, sd: { slow: MODEL.errorSlow.sd, fast: MODEL.errorFast.sd },
    };
  }

  generate(spec: ReleaseSpec, rng: RandomSource): SimulatedRelease {
    const { baselineMinutes: deployAt, latencyMinutes } = this.plan;
    const hm = this.historyMinutes;
    const baseErrorRate = rng.logUniform(MODEL.errorRate.low, MODEL.errorRate.high);
    const medianMs = rng.logUniform(MODEL.medianMs.low, MODEL.medianMs.high);
    const raw = MODEL.hostLatency.map(() => 1 + 0.1 * (2 * rng.uniform() - 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    const shares = raw.map((w) => w / sum);
    const ephemeral = spec.canary?.ephemeral ?? false;
    const hostLatency = MODEL.hostLatency.map((k) => (ephemeral ? 1 : k));
    const meanHostErrors = shares.reduce((acc, w, h) => acc + w * MODEL.hostErrors[h]!, 0);
    const hostErrors = MODEL.hostErrors.map((k) => (ephemeral ? 1 : k / meanHostErrors));
    const group = new Int8Array(HOSTS).fill(1);
    if (spec.canary) {
      group.fill(0);
      for (let picked = 0; picked < spec.canary.hosts;) {
        const h = rng.integer(0, HOSTS - 1);
        if (group[h] === 0) {
          group[h] = 1;
          picked++;
        }
      }
    }
    // Exactly 1 when every host is updated: the shares' sum can land an ulp below, and a share under 1 means a canary.
    const treatedShare = spec.canary ? shares.reduce((acc, w, h) => acc + (group[h] === 1 ? w : 0), 0) : 1;
    const treatedErrors = shares.reduce((acc, w, h) => acc + (group[h] === 1 ? w * hostErrors[h]! : 0), 0);
    const controlErrors = shares.reduce((acc, w, h) => acc + (group[h] === 0 ? w * hostErrors[h]! : 0), 0);
    const slowAfter = spec.latency.kind === "tail" ? tailShare(spec.latency.rise) : MODEL.slowShare;
    const scaleAfter = spec.latency.kind === "scale" ? 1 + spec.latency.rise : 1;

    const startOfDay = rng.integer(0, 1439);
    const trafficBurst = new Burst(MODEL.trafficBurst);
    const wander = new HostWander(HOSTS, spec.canary?.sharedWander ?? 1,
      { slow: MODEL.errorSlow, fast: MODEL.errorFast, burst: MODEL.errorBurst }, rng);
    const drift = driftProcess(MODEL.latencyDriftPerMinute, MODEL.latencyDriftSd, rng);
    const perHost = new Float64Array(HOSTS);

    // The updated hosts' expected errors of the minute just stepped, without the wander or the effect (WanderPath).
    let unwandered = 0;
    this.path.logMeanFix = wander.logMeanFix;
    /** One minute's requests per host and the shared latency median; errors per host into `errorsOut`. */
    const step = (t: number, silent: boolean, errorEffect: number, errorLevel: number, errorsOut: Float64Array) => {
      const minuteOfDay = (startOfDay + t) % 1440;
      const load = 1 + cycle(MODEL.diurnalAmplitude, minuteOfDay);
      const burst = trafficBurst.step(rng);
      const noise = Math.exp(MODEL.trafficNoise * rng.normal() - MODEL.trafficNoise ** 2 / 2);
      const daily = Math.exp(cycle(MODEL.errorDiurnalAmplitude, minuteOfDay));
      const w = wander.step(rng);
      unwandered = 0;
      for (let h = 0; h < HOSTS; h++) {
        const n = silent ? 0 : rng.poisson(spec.rpm * load * burst * noise * shares[h]!);
        perHost[h] = n;
        const rate = Math.min(0.9, baseErrorRate * daily * w[h]! * hostErrors[h]! * errorLevel * (group[h] === 1 ? errorEffect : 1));
        errorsOut[h] = n > 0 ? Math.min(n, rng.poisson(n * rate)) : 0;
        if (group[h] === 1) unwandered += n * baseErrorRate * daily * hostErrors[h]! * errorLevel;
      }
      const median = medianMs * (1 + MODEL.latencyLoadElasticity * (load - 1)) * (1 + MODEL.latencyLoadElasticity * (burst - 1)) * Math.exp(drift.step(rng));
      return { median, load, daily };
    };

    const errors = new Float64Array(HOSTS);
    const h2 = this.history;
    for (let t = 0; t < hm; t++) {
      const { median } = step(t, spec.traffic === "none", 1, 1, errors);
      this.historyMedian[t] = median;
      h2.requests[2 * t] = h2.requests[2 * t + 1] = h2.errors[2 * t] = h2.errors[2 * t + 1] = 0;
      for (let h = 0; h < HOSTS; h++) {
        this.hostRequests[t * HOSTS + h] = perHost[h]!;
        h2.requests[2 * t + group[h]!]! += perHost[h]!;
        h2.errors[2 * t + group[h]!]! += errors[h]!;
      }
    }

    this.minutes.forEach((minute, i) => {
      const after = i >= deployAt;
      const silent = spec.traffic === "none" || (spec.traffic === "none_after" && after);
      const { median, load, daily } = step(hm + i, silent, after ? spec.errorFactor : 1, spec.level?.errors?.[i] ?? 1, errors);
      this.expectedRequests[i] = silent ? 0 : spec.rpm * load * treatedShare;
      [this.path.slow[i], this.path.fast[i], this.path.burst[i], this.path.unwandered[i]] = [wander.shared.slow, wander.shared.fast, wander.shared.burst, unwandered];
      this.expected[i] = this.expectedRequests[i]! * baseErrorRate * daily * (treatedErrors / treatedShare);
      this.expectedControl[i] = silent ? 0 : spec.rpm * load * baseErrorRate * daily * controlErrors;
      const levelled = median * (spec.level?.latency?.[i] ?? 1);
      minute.hist.fill(0);
      minute.groupHist[0].fill(0);
      minute.groupHist[1].fill(0);
      minute.requests = minute.errors = 0;
      minute.groupRequests[0] = minute.groupRequests[1] = minute.groupErrors[0] = minute.groupErrors[1] = 0;
      const drawLatency = i < deployAt + latencyMinutes;
      for (let h = 0; h < HOSTS; h++) {
        const g = group[h]!, n = perHost[h]!;
        minute.requests += n;
        minute.errors += errors[h]!;
        minute.groupRequests[g]! += n;
        minute.groupErrors[g]! += errors[h]!;
        if (!drawLatency) continue;
        const changed = after && g === 1;
        const m = levelled * hostLatency[h]! * (changed ? scaleAfter : 1);
        const slowShare = changed ? slowAfter : MODEL.slowShare;
        const into = minute.groupHist[g]!;
        for (let k = 0; k < n; k++) {
          const latency = rng.uniform() < slowShare
            ? m * MODEL.slowRatio * Math.exp(MODEL.slowSigma * rng.normal())
            : m * Math.exp(MODEL.fastSigma * rng.normal());
          const b = bucketOf(latency);
          minute.hist[b]!++;
          into[b]!++;
        }
      }
    });

    // As the evaluator: the p95 of the updated hosts' own hour before (sequential-evidence.ts#latencyThreshold); a
    // version comparison without named hosts (fresh pods) reads the whole service.
    const own = spec.canary !== undefined && !ephemeral;
    const baseline = new Float64Array(BUCKETS);
    for (let i = 0; i < deployAt; i++) {
      const hist = own ? this.minutes[i]!.groupHist[1] : this.minutes[i]!.hist;
      for (let b = 0; b < BUCKETS; b++) baseline[b]! += hist[b]!;
    }
    const thresholdBucket = exceedanceThreshold(baseline);
    this.drawHistoryExceedances(thresholdBucket, group, hostLatency, rng);
    return {
      minutes: this.minutes, deployAt, history: h2, thresholdBucket, historyStart: EPOCH + startOfDay * 60_000, treatedShare, ephemeral,
      baseErrorRate, medianMs, expectedErrors: this.expected, expectedControlErrors: this.expectedControl, expectedRequests: this.expectedRequests,
      wanderPath: this.path,
    };
  }

  /**
   * Exceedances per history minute: Binomial(requests, P(latency > threshold)) per host from the analytic mixture, over
   * the latency history the evaluator reads (zeros before it; this is the costliest loop).
   */
  private drawHistoryExceedances(thresholdBucket: number, group: Int8Array, hostLatency: number[], rng: RandomSource): void {
    const { exceed } = this.history;
    exceed.fill(0);
    if (thresholdBucket < 0) return;
    const x = thresholdMs(thresholdBucket, BUCKETS);
    for (let t = Math.max(0, this.historyMinutes - EXCEEDANCE_HISTORY_MINUTES); t < this.historyMinutes; t++) {
      for (let h = 0; h < HOSTS; h++) {
        const n = this.hostRequests[t * HOSTS + h]!;
        if (n > 0) exceed[2 * t + group[h]!]! += binomial(rng, n, hostExceedance(x, this.historyMedian[t]! * hostLatency[h]!, MODEL.slowShare));
      }
    }
  }
}
