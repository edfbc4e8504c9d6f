import { NoDataError, SourceError } from "../source.ts";

export interface ErrorContext {
  /** The API host, e.g. api.datadoghq.eu. */
  target: string;
  timeoutMs: number;
  /** Values scrubbed from every message (the API and application keys). */
  secrets: string[];
}

/** The shape of ApiException without importing the client (it is loaded lazily). */
interface ApiErrorLike {
  code: number;
  body: unknown;
}

const isApiError = (err: unknown): err is ApiErrorLike & Error =>
  err instanceof Error && typeof (err as Partial<ApiErrorLike>).code === "number" && "body" in err;

export function redact(message: string, secrets: string[]): string {
  return secrets.reduce((m, s) => (s ? m.split(s).join("[redacted]") : m), message);
}

/** Datadog answers errors as {"errors": ["…"]}; anything else is summarised, never echoed whole. */
function reasonOf(body: unknown): string {
  // Statuses the client has no model for come as 'Unknown API Status Code!\nBody: "<body>"'.
  const raw = typeof body === "string" ? (/^Unknown API Status Code!\nBody: "([\s\S]*)"$/.exec(body)?.[1] ?? body) : body;
  const parsed = typeof raw === "string" ? safeJson(raw) : raw;
  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors)) return errors.filter((e) => typeof e === "string").join("; ");
  if (typeof errors === "string") return errors;
  return typeof raw === "string" ? raw.slice(0, 200) : "";
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Maps what the client throws to SourceError: retry helps for timeouts, lost connections, 429 and 5xx; not for other 4xx. */
export function toSourceError(err: unknown, ctx: ErrorContext): SourceError | NoDataError {
  const make = (message: string, retryable: boolean) => new SourceError("datadog", redact(message, ctx.secrets).slice(0, 500), retryable);
  if (err instanceof SourceError || err instanceof NoDataError) return err;
  if (isApiError(err)) {
    const status = err.code;
    // Our own words for auth failures: which key to check and which permissions the queries need.
    if (status === 401 || status === 403) {
      return make(`${status} from ${ctx.target}: the API or application key was refused; check DEPLOY_GUARD_DD_API_KEY, DEPLOY_GUARD_DD_APP_KEY and the application key's scopes (timeseries_query, logs_read_data, events_read)`, false);
    }
    const reason = reasonOf(err.body);
    return make(`${status} from ${ctx.target}${reason ? `: ${reason}` : ""}`, status === 429 || status >= 500);
  }
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return make(err.name === "TimeoutError" ? `timed out after ${ctx.timeoutMs} ms waiting for ${ctx.target}` : `request to ${ctx.target} aborted`, true);
  }
  if (err instanceof TypeError && err.message === "fetch failed") {
    const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
    return make(`cannot reach ${ctx.target}: ${String(cause?.code ?? cause?.message ?? "connection failed")}`, true);
  }
  return make(`query to ${ctx.target} failed: ${err instanceof Error ? err.message : String(err)}`, false);
}
