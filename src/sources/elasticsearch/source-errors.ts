import { errors } from "@elastic/elasticsearch";
import { SourceError } from "../source.ts";
import { redact } from "./elasticsearch-client.ts";

export interface ErrorContext {
  /** The cluster as errors name it (host only). */
  target: string;
  /** The index pattern, for 403/404 messages. */
  index?: string | undefined;
  timeoutMs: number;
  secrets: string[];
}

interface EsErrorBody {
  error?: { type?: unknown; reason?: unknown; root_cause?: { type?: unknown; reason?: unknown }[] } | string;
}

function reasonOf(body: unknown): string {
  const e = (body as EsErrorBody | null)?.error;
  if (typeof e === "string") return e;
  const cause = e?.root_cause?.[0] ?? e;
  const type = typeof cause?.type === "string" ? cause.type : "error";
  const reason = typeof cause?.reason === "string" ? cause.reason : "";
  return reason ? `${type}: ${reason}` : type;
}

/** By name, not instanceof: the package ships CommonJS and ESM builds whose error classes are distinct. */
const named = (err: unknown, ...names: string[]): err is Error => err instanceof Error && names.includes(err.name);

/** Maps the client's errors to SourceError: retry helps for timeouts, lost connections, 429 and 5xx; not for other 4xx. */
export function toSourceError(err: unknown, ctx: ErrorContext): SourceError {
  const make = (message: string, retryable: boolean) => new SourceError("elasticsearch", redact(message, ctx.secrets).slice(0, 500), retryable);
  if (err instanceof SourceError) return err;
  if (named(err, "TimeoutError")) return make(`timed out after ${ctx.timeoutMs} ms waiting for ${ctx.target}`, true);
  if (named(err, "NoLivingConnectionsError", "ConnectionError")) {
    return make(`cannot reach ${ctx.target}: ${err.message}`, true);
  }
  if (err instanceof errors.ResponseError || named(err, "ResponseError")) {
    const status = (err as errors.ResponseError).statusCode ?? 0;
    // Auth failures get our own words: the server's reason names the user and the request.
    if (status === 401) return make(`401 from ${ctx.target}: authentication failed; check DEPLOY_GUARD_ES_API_KEY or DEPLOY_GUARD_ES_USERNAME/PASSWORD`, false);
    if (status === 403) return make(`403 from ${ctx.target}: the credentials lack a privilege on ${ctx.index ?? "the cluster"} (logs need 'read', the events index 'create_doc')`, false);
    const reason = reasonOf((err as errors.ResponseError).body);
    return make(`${status} from ${ctx.target}: ${reason}`, status === 429 || status >= 500);
  }
  if (named(err, "ProductNotSupportedError")) return make(`${ctx.target} is not an Elasticsearch cluster the client supports`, false);
  if (named(err, "DeserializationError")) return make(`unreadable answer from ${ctx.target}`, true);
  return make(`query to ${ctx.target} failed: ${err instanceof Error ? err.message : String(err)}`, false);
}
