/** When and how often Argo measures one metric, and how many failed measurements it tolerates. */
export interface Timing {
  intervalMinutes?: number | undefined;
  count?: number | undefined;
  failureLimit: number;
  delayMinutes?: number | undefined;
}

type Field = string | number | undefined;

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("5m", "1m30s", "30s") in milliseconds; undefined when it is not one (a placeholder, a number). */
function goDurationMs(text: Field): number | undefined {
  if (typeof text !== "string" || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text.trim())) return undefined;
  return [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

const intOf = (v: Field): number | undefined => {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : undefined;
  return n !== undefined && Number.isInteger(n) ? n : undefined;
};

export function argoTiming(m: Record<string, unknown> & { interval?: Field; count?: Field; failureLimit?: Field; initialDelay?: Field }, note: (s: string) => void): Timing {
  const intervalMs = goDurationMs(m.interval), delayMs = goDurationMs(m.initialDelay);
  if (m.interval !== undefined && intervalMs === undefined) note(`interval ${m.interval} is not a duration this importer reads: left out`);
  if (intervalMs !== undefined && intervalMs % 60_000 !== 0) note(`interval ${m.interval} is rounded up to whole minutes: a rule reads one value a minute`);
  if (m.initialDelay !== undefined && delayMs === undefined) note(`initialDelay ${m.initialDelay} is not a duration this importer reads: left out`);
  const count = intOf(m.count);
  if (m.count !== undefined && count === undefined) note(`count ${m.count} is not a number: left out`);
  let failureLimit = intOf(m.failureLimit) ?? 0;
  if (failureLimit < 0) {
    note(`failureLimit ${failureLimit} (never fail on the count) is not carried: read as 0`);
    failureLimit = 0;
  }
  for (const field of ["inconclusiveLimit", "consecutiveErrorLimit", "consecutiveSuccessLimit"]) {
    if (m[field] !== undefined) note(`${field} ${String(m[field])} is not carried: a rule has no such count`);
  }
  return {
    intervalMinutes: intervalMs !== undefined ? Math.max(1, Math.ceil(intervalMs / 60_000)) : undefined,
    count: count !== undefined && count > 0 ? count : undefined,
    failureLimit,
    delayMinutes: delayMs !== undefined ? Math.ceil(delayMs / 60_000) : undefined,
  };
}

const clamp = (x: number, low: number, high: number) => Math.min(high, Math.max(low, x));
const DEFAULT_MINUTES = 30;

/**
 * One analysis block for every metric (a rule has one): the fixed-window engine, whose interim checks every
 * interval_minutes and early fail after early_fail_after failing ones are the nearest to Argo's measurements every
 * interval and failure after failureLimit + 1 failed ones. Metrics that disagree get the longest window, the shortest
 * interval, the strictest limit and the longest delay.
 */
export function analysisFor(timings: Timing[], warn: (s: string) => void) {
  const spans = timings.filter((t) => t.intervalMinutes !== undefined && t.count !== undefined).map((t) => t.intervalMinutes! * t.count!);
  const intervals = timings.map((t) => t.intervalMinutes).filter((x): x is number => x !== undefined);
  const limits = timings.map((t) => t.failureLimit), delays = timings.map((t) => t.delayMinutes ?? 0);
  if (spans.length < timings.length) {
    warn(`a metric without interval and count measures once (or, with count 0 or none, until the rollout ends): its window here is ${spans.length > 0 ? "the longest of the others" : `${DEFAULT_MINUTES} minutes`} (analysis.minutes)`);
  }
  const distinct = (xs: number[]) => new Set(xs).size > 1;
  if (distinct(spans) || distinct(intervals) || distinct(limits) || distinct(delays)) {
    warn("the metrics' interval, count, failureLimit or initialDelay differ: a rule has one analysis block, so it takes the longest window, the shortest interval, the smallest failureLimit and the longest delay");
  }
  warn("Argo judges each measurement and fails after failureLimit failed ones; the rule reads one value a minute and compares the mean so far with the limit at every interim check (interval_minutes), failing after early_fail_after failing checks in a row (failureLimit + 1)");
  const minutes = clamp(spans.length > 0 ? Math.max(...spans) : DEFAULT_MINUTES, 1, 1440);
  return {
    mode: "fixed" as const,
    minutes,
    interval_minutes: clamp(intervals.length > 0 ? Math.min(...intervals) : 5, 1, minutes),
    early_fail_after: clamp(Math.min(...limits) + 1, 1, 100),
    delay_minutes: clamp(Math.max(...delays), 0, 1440),
  };
}
