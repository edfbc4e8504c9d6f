import type { PrometheusConfig } from "../../config.ts";
import { SourceError, type SourceHealth } from "../source.ts";

/** One series of a `query_range` answer: sample values are strings ("1.5", "NaN", "+Inf"), times are unix seconds. */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

type ApiAnswer =
  | { status: "success"; data: { resultType: string; result: unknown }; warnings?: string[] }
  | { status: "error"; errorType: string; error: string };

/** Prometheus error types that a later try may not hit (query timeouts, a server shutting down). */
const RETRYABLE_ERROR_TYPES = new Set(["timeout", "canceled", "unavailable", "internal"]);

/**
 * The HTTP API of a Prometheus (or a compatible server: Thanos, Mimir, VictoriaMetrics): one timed-out attempt per
 * call; retries are callSource's (src/sources/source-call.ts), which the errors' `retryable` guides.
 */
export class PrometheusClient {
  private readonly host: string;

  constructor(private readonly config: PrometheusConfig) {
    this.host = new URL(config.url).host;
  }

  /**
   * POST /api/v1/query_range (a form body, so long queries fit); start and end in unix seconds, both included.
   * `abort` is the caller giving up: the request is dropped.
   */
  async queryRange(query: string, start: number, end: number, stepSeconds: number, abort?: AbortSignal): Promise<MatrixSeries[]> {
    const body = new URLSearchParams({ query, start: String(start), end: String(end), step: String(stepSeconds) });
    const answer = await this.call("/api/v1/query_range", body, abort).catch((err: unknown) => {
      throw err instanceof SourceError ? err : this.transportError(err, abort);
    });
    if (answer.data.resultType !== "matrix" || !Array.isArray(answer.data.result)) {
      throw new SourceError("prometheus", `${this.host} answered a ${answer.data.resultType} where a matrix was expected`, false);
    }
    return answer.data.result as MatrixSeries[];
  }

  /** GET /-/ready, once: a health check reports the state now rather than retrying it away. */
  async ready(): Promise<SourceHealth> {
    const began = performance.now();
    try {
      const res = await fetch(`${this.config.url}/-/ready`, { headers: this.headers(), signal: AbortSignal.timeout(this.config.timeoutMs) });
      await res.body?.cancel();
      if (!res.ok) return { ok: false, detail: `${res.status} from ${this.host}` };
      return { ok: true, detail: `ok (${Math.round(performance.now() - began)} ms)` };
    } catch (err) {
      return { ok: false, detail: this.transportError(err).message };
    }
  }

  private async call(path: string, body: URLSearchParams, abort: AbortSignal | undefined): Promise<ApiAnswer & { status: "success" }> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const res = await fetch(`${this.config.url}${path}`, {
      method: "POST",
      headers: { ...this.headers(), "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: abort ? AbortSignal.any([timeout, abort]) : timeout,
    });
    const text = await res.text();
    const answer = parseAnswer(text);
    if (res.ok && answer?.status === "success") return answer;
    if (answer?.status === "error") {
      const retryable = RETRYABLE_ERROR_TYPES.has(answer.errorType) || res.status >= 500 || res.status === 429;
      throw new SourceError("prometheus", `${this.host} answered ${res.status} ${answer.errorType}: ${answer.error}`, retryable);
    }
    if (res.status === 401 || res.status === 403) {
      throw new SourceError("prometheus", `${res.status} from ${this.host}: check DEPLOY_GUARD_PROMETHEUS_TOKEN or _USERNAME and _PASSWORD`, false);
    }
    const retryable = res.status >= 500 || res.status === 429;
    throw new SourceError("prometheus", `${res.status} from ${this.host}${res.ok ? ": not a Prometheus API answer" : ""}`, retryable);
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "deploy-guard" };
    const auth = this.config.auth;
    if (auth && "token" in auth) headers.authorization = `Bearer ${auth.token}`;
    if (auth && "username" in auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
    return headers;
  }

  private transportError(err: unknown, abort?: AbortSignal): SourceError {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (abort?.aborted) return new SourceError("prometheus", `query to ${this.host} abandoned: the guard stopped waiting`, true);
    if (e.name === "TimeoutError") return new SourceError("prometheus", `${this.host} timed out after ${this.config.timeoutMs} ms`, true);
    return new SourceError("prometheus", `cannot reach ${this.host}: ${e.cause?.code ?? e.cause?.message ?? e.message}`, true);
  }
}

function parseAnswer(text: string): ApiAnswer | undefined {
  try {
    const value = JSON.parse(text) as ApiAnswer;
    return value && typeof value === "object" && (value.status === "success" || value.status === "error") ? value : undefined;
  } catch {
    return undefined;
  }
}
