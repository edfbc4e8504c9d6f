import { NoDataError, SourceError, type MetricSource, type SourceQuery, type SourceSeries } from "./source.ts";

export interface CallPolicy {
  /** How long one attempt may take before the guard stops waiting. */
  timeoutMs: number;
  /** Further attempts after a retryable SourceError (5xx, 429, connection reset), with doubling waits. */
  retries: number;
  backoffMs: number;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

function withTimeout(source: MetricSource, q: SourceQuery, timeoutMs: number): Promise<SourceSeries> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      // Not retried: a source this slow would only make every verdict wait again; the next check asks afresh.
      reject(new SourceError(source.kind, `did not answer within ${seconds(timeoutMs)}`, false));
    }, timeoutMs);
  });
  return Promise.race([source.query({ ...q, abort: abort.signal }), timedOut]).finally(() => clearTimeout(timer));
}

/**
 * One query, bounded: a timeout per attempt and a few retries for retryable errors. Always rejects with a SourceError
 * or a NoDataError, so the caller can turn any failure into the signal's no-data policy.
 */
export async function callSource(source: MetricSource, q: SourceQuery, policy: CallPolicy, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<SourceSeries> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTimeout(source, q, policy.timeoutMs);
    } catch (err) {
      if (err instanceof NoDataError) throw err;
      const e = err instanceof SourceError ? err : new SourceError(source.kind, err instanceof Error ? err.message : String(err), false);
      if (!e.retryable || attempt >= policy.retries) {
        throw attempt === 0 ? e : new SourceError(e.source, `${e.message} (${attempt + 1} attempts)`, e.retryable);
      }
      await sleep(policy.backoffMs * 2 ** attempt);
    }
  }
}
