import type { MinuteCounts, RateEvidence } from "../analysis/sequential/sequential-types.ts";
import type { LatencyEvidence } from "../analysis/sequential/latency-evidence.ts";
import { exceedanceThreshold, thresholdMs } from "../analysis/sequential/latency-evidence.ts";
import { BUCKETS, emptyDense, type DenseHistogram } from "../telemetry/latency-histogram.ts";
import type { WindowQuery, WindowReader } from "../telemetry/window-reader.ts";
import type { PooledRelease } from "./baseline-resolver.ts";
import { floorMinute } from "./release-windows.ts";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** What one release's sequential look reads: its identity, its deploy and the minutes stored so far. */
export interface EvidenceScope {
  service: string;
  environment: string;
  deployStartedAt: number;
  analysisStart: number;
  /** The end of the whole minutes of candidate data there are (exclusive). */
  candidateEnd: number;
  historyDays: number;
  routeLike: string | undefined;
  /** Filters of the candidate and control groups of a concurrent comparison (hosts or versions). */
  groups?: { candidate: GroupFilter; control: GroupFilter } | undefined;
  /** A fixed reference window (week_ago, previous_release, pinned): its start, aligned with the analysis start. */
  referenceStart?: number | undefined;
  /** previous_release with `count` > 1: every pooled release's start; the reference is their minute-by-minute sum. */
  referenceStarts?: number[] | undefined;
  /** rule.pool_environments: the same version in other environments, summed minute by minute after each one's deploy. */
  pooled?: PooledRelease[] | undefined;
}

/** The history of a rate signal; `pooled`: the other environments it sums, which the candidate minutes must sum too. */
export type RateHistory = Omit<RateEvidence, "candidate"> & { pooled?: PooledRelease[] };

/** A pooled environment with under this share of the release's own history is left out rather than shorten it. */
const MIN_POOLED_HISTORY_SHARE = 0.5;

/** The first `length` minutes of each series, summed minute by minute. */
function sumHeads(series: MinuteCounts[][], length: number): MinuteCounts[] {
  return Array.from({ length }, (_, i) => series.reduce((sum, x) => ({ events: sum.events + x[i]!.events, exposure: sum.exposure + x[i]!.exposure }), { events: 0, exposure: 0 }));
}

export type GroupFilter = Pick<WindowQuery, "hosts" | "excludeHosts" | "version" | "excludeVersion">;

/** Map of minute → counts into a dense array over [start, start + minutes), silent minutes as {0, 0}. */
function dense<T>(map: Map<number, T>, start: number, minutes: number, pick: (v: T) => MinuteCounts): MinuteCounts[] {
  return Array.from({ length: Math.max(0, minutes) }, (_, i) => {
    const m = map.get(start + i * MINUTE);
    return m === undefined ? { events: 0, exposure: 0 } : pick(m);
  });
}

/** Reads stored roll-ups into the dense per-minute evidence of src/analysis/sequential (errors and latency). */
export class SequentialEvidenceReader {
  constructor(private readonly reader: WindowReader) {}

  private query(s: EvidenceScope, start: number, end: number, group?: GroupFilter): WindowQuery {
    return { service: s.service, environment: s.environment, start, end, routeLike: s.routeLike, ...group };
  }

  private minutes(start: number, end: number): number {
    return Math.max(0, Math.round((end - start) / MINUTE));
  }

  private async counts(s: EvidenceScope, start: number, end: number, group?: GroupFilter): Promise<MinuteCounts[]> {
    const map = await this.reader.requestCounts(this.query(s, start, end, group));
    return dense(map, start, this.minutes(start, end), (m) => ({ events: m.errors, exposure: m.requests }));
  }

  /** Stored minutes up to `end`, from the first one stored: days of silent minutes before it are unknown, not quiet (and cost time). */
  private fromFirstStored(map: Map<number, { errors: number; requests: number }>, end: number): { history: MinuteCounts[]; historyStart: number } {
    const first = map.size === 0 ? end : Math.min(...map.keys());
    return { history: dense(map, first, this.minutes(first, end), (m) => ({ events: m.errors, exposure: m.requests })), historyStart: first };
  }

  private historySpan(s: EvidenceScope, days: number): { start: number; end: number } {
    const end = floorMinute(s.deployStartedAt);
    return { start: end - Math.round((days * DAY) / MINUTE) * MINUTE, end };
  }

  /** The history part of the evidence: enough to fit the baseline model once per release. */
  async rateHistory(s: EvidenceScope): Promise<RateHistory> {
    if (s.pooled && s.pooled.length > 0 && !s.groups && s.referenceStart === undefined) return this.pooledHistory(s, s.pooled);
    const h = this.historySpan(s, s.historyDays);
    // Named updated hosts are forecast from their own history: the service's would carry the other hosts' rates and a
    // smaller wander than a few hosts have alone. New hosts with no history fall back to the service's.
    const hosts = s.groups?.candidate.hosts;
    const own = hosts ? await this.reader.requestCounts(this.query(s, h.start, h.end, { hosts })) : undefined;
    const map = own !== undefined && own.size > 0 ? own : await this.reader.requestCounts(this.query(s, h.start, h.end));
    const { history, historyStart } = this.fromFirstStored(map, h.end);
    const out: Omit<RateEvidence, "candidate"> = { history, historyStart, candidateStart: s.analysisStart };
    // A reference window is chosen before any candidate minute: the model must know it is judged against one.
    if (s.referenceStart !== undefined) out.reference = [];
    if (s.groups) {
      const g = this.historySpan(s, 1);
      const candidateHistory = await this.counts(s, g.start, g.end, s.groups.candidate);
      // A new version has no history of its own: its fresh pods stand against the old ones as alike (ρ = 1).
      const exchangeable = !candidateHistory.some((m) => m.exposure > 0);
      out.concurrent = { control: [], candidateHistory, controlHistory: await this.counts(s, g.start, g.end, s.groups.control), exchangeable };
    }
    return out;
  }

  /**
   * Each environment's history up to its own deploy, summed minute by minute from the end: minute −1 is the minute
   * before each one's deploy. As long as the shortest history kept (one under half the release's own is left out).
   */
  private async pooledHistory(s: EvidenceScope, pooled: PooledRelease[]): Promise<RateHistory> {
    const read = async (environment: string, deployStartedAt: number) => {
      const h = this.historySpan({ ...s, deployStartedAt }, s.historyDays);
      return this.fromFirstStored(await this.reader.requestCounts(this.query({ ...s, environment }, h.start, h.end)), h.end).history;
    };
    const own = await read(s.environment, s.deployStartedAt);
    const others = await Promise.all(pooled.map(async (p) => ({ p, history: await read(p.environment, p.deployStartedAt) })));
    const kept = others.filter((o) => o.history.length > 0 && o.history.length >= MIN_POOLED_HISTORY_SHARE * own.length);
    const length = Math.min(own.length, ...kept.map((o) => o.history.length));
    // Aligned at their ends (each one's deploy): the last `length` minutes of each.
    const history = sumHeads([own, ...kept.map((o) => o.history)].map((x) => x.slice(x.length - length)), length);
    return { history, historyStart: floorMinute(s.deployStartedAt) - length * MINUTE, candidateStart: s.analysisStart, pooled: kept.map((o) => o.p) };
  }

  /** The candidate minutes so far (and the control group's, or the reference window's, over the same minutes). */
  async rate(s: EvidenceScope, history: RateHistory): Promise<RateEvidence> {
    if (history.pooled && history.pooled.length > 0) {
      const { pooled, ...rest } = history;
      // As many minutes as the environment deployed last has: each sums the same minutes after its own deploy.
      const minutes = Math.min(...[s, ...pooled].map((m) => this.minutes(m.analysisStart, Math.max(m.analysisStart, s.candidateEnd))));
      const series = await Promise.all([s, ...pooled].map((m) => this.counts({ ...s, environment: m.environment }, m.analysisStart, m.analysisStart + minutes * MINUTE)));
      return { ...rest, candidate: sumHeads(series, minutes) };
    }
    const evidence: RateEvidence = { ...history, candidate: await this.counts(s, s.analysisStart, s.candidateEnd, s.groups?.candidate) };
    if (s.groups && history.concurrent) {
      evidence.concurrent = { ...history.concurrent, control: await this.counts(s, s.analysisStart, s.candidateEnd, s.groups.control) };
    }
    if (s.referenceStart !== undefined) evidence.reference = await this.reference(s);
    return evidence;
  }

  /** The reference window's minutes over as many minutes as the candidate has; pooled releases summed minute by minute. */
  private async reference(s: EvidenceScope): Promise<MinuteCounts[]> {
    const span = s.candidateEnd - s.analysisStart;
    const windows: MinuteCounts[][] = [];
    for (const start of s.referenceStarts ?? [s.referenceStart!]) windows.push(await this.counts(s, start, start + span));
    return sumHeads(windows, windows[0]!.length);
  }

  /**
   * Latency is judged before/after on the candidate's own hosts (latency drifts, so the hour before predicts it best;
   * review §2e): updated hosts against themselves before the deploy, or the whole service for a version comparison.
   */
  private latencyHosts(s: EvidenceScope): GroupFilter | undefined {
    const hosts = s.groups?.candidate.hosts;
    return hosts ? { hosts } : undefined;
  }

  /** The candidate minutes alone: a signal judged against a fixed objective needs no history. */
  candidateRates(s: EvidenceScope): Promise<MinuteCounts[]> {
    return this.counts(s, s.analysisStart, s.candidateEnd, s.groups?.candidate);
  }

  /** The pre-deploy p95 bucket (the hour before the deploy, or the day before when that hour is quiet). */
  async latencyThreshold(s: EvidenceScope): Promise<{ bucket: number; hist: DenseHistogram } | undefined> {
    const end = floorMinute(s.deployStartedAt);
    for (const span of [60 * MINUTE, DAY]) {
      const hist = (await this.reader.requests(this.query(s, end - span, end, this.latencyHosts(s)))).hist;
      const bucket = exceedanceThreshold(hist);
      let n = 0;
      for (const c of hist) n += c;
      if (bucket >= 0 && n >= 100) return { bucket, hist };
    }
    return undefined;
  }

  /** Latency history: requests slower than the pre-deploy p95 per minute, up to 3 days (the A/A wander's full assurance). */
  async latencyHistory(s: EvidenceScope, bucket: number): Promise<Omit<RateEvidence, "candidate">> {
    const h = this.historySpan(s, Math.min(s.historyDays, 3));
    // Only minutes with latencies are read, so the first one read is where the history starts: no silent days to skip.
    const map = await this.reader.exceedanceCounts(this.query(s, h.start, h.end, this.latencyHosts(s)), bucket);
    const first = map.size === 0 ? h.end : map.keys().next().value!;
    const history = dense(map, first, this.minutes(first, h.end), (m) => ({ events: m.slower, exposure: m.requests }));
    return { history, historyStart: h.end - history.length * MINUTE, candidateStart: s.analysisStart };
  }

  async latency(s: EvidenceScope, history: Omit<RateEvidence, "candidate">, threshold: { bucket: number; hist: DenseHistogram }): Promise<LatencyEvidence> {
    const read = await this.reader.exceedancesAndHistograms(this.query(s, s.analysisStart, s.candidateEnd, s.groups?.candidate), threshold.bucket);
    const minutes = this.minutes(s.analysisStart, s.candidateEnd);
    const exceed: RateEvidence = { ...history, candidate: dense(read.exceed, s.analysisStart, minutes, (m) => ({ events: m.slower, exposure: m.requests })) };
    const perMinute = read.hists;
    const candidateMinutes = Array.from({ length: minutes }, (_, i) => perMinute.get(s.analysisStart + i * MINUTE) ?? emptyDense());
    return { exceed, thresholdMs: thresholdMs(threshold.bucket, BUCKETS), baseline: threshold.hist, candidateMinutes };
  }
}
