import { SourceError } from "../source.ts";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First wait; doubled after each retry, at most 5 s. */
  backoffMs: number;
}

const sleep = (ms: number, abort?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    abort?.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });

/** Runs `attempt` until it succeeds, fails for good, or the retries are spent; only a retryable SourceError is retried. */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, abort?: AbortSignal): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      const again = err instanceof SourceError && err.retryable && i < policy.maxRetries && !abort?.aborted;
      if (!again) throw err;
      await sleep(Math.min(policy.backoffMs * 2 ** i, 5000), abort);
    }
  }
}
