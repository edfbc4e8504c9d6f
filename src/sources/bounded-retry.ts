/** How often and how patiently an outside call is tried again: the one retry policy of deploy-guard's outbound calls. */
export interface RetryPolicy {
  /** Attempts after the first one, only for a failure that says trying again can help. */
  retries: number;
  /** The first wait; doubled after each retry, at most `maxBackoffMs` (5 s unless given). */
  backoffMs: number;
  maxBackoffMs?: number | undefined;
}

export type Sleep = (ms: number, abort?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, abort) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    abort?.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });

export interface RetryOptions {
  /** Whether another attempt can help after this failure (timeouts, lost connections, 429, 5xx). */
  retryable: (err: unknown) => boolean;
  /** What to throw when the last attempt failed; `attempts` counts the first. Default: the failure itself. */
  giveUp?: (err: unknown, attempts: number) => unknown;
  /** The caller stopped waiting: no further attempt starts. */
  abort?: AbortSignal | undefined;
  wait?: Sleep;
}

/** Runs `attempt` until it succeeds, fails for good, the retries are spent or `abort` fires; waits double between tries. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, o: RetryOptions): Promise<T> {
  const wait = o.wait ?? sleep;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!o.retryable(err) || n >= policy.retries || o.abort?.aborted) throw o.giveUp ? o.giveUp(err, n + 1) : err;
      await wait(Math.min(policy.backoffMs * 2 ** n, policy.maxBackoffMs ?? 5_000), o.abort);
    }
  }
}
