import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import type { IngestKind, Metrics, RejectReason } from "./metrics.ts";

const BY_STATUS: Partial<Record<number, RejectReason>> = {
  400: "malformed", 403: "forbidden", 413: "too_large", 415: "unsupported_type", 422: "invalid", 503: "unavailable",
};

/** The reason class of a refused batch, from its answer's status: bounded, whatever the message said. */
export function rejectReason(status: number): RejectReason {
  return BY_STATUS[status] ?? (status >= 500 ? "error" : "invalid");
}

/**
 * Counts one ingest request's records, accepted or refused, after the handler has answered (an error is already a
 * problem response here). The handler names the records in its log fields as soon as it has split the body.
 */
export function ingestMetrics(metrics: Metrics, kind: IngestKind): MiddlewareHandler<AppEnv> {
  return async (ctx, next) => {
    await next();
    const records = Number(ctx.get("logFields").records ?? 0);
    if (ctx.res.status < 300) metrics.ingestAccepted(kind, records);
    else metrics.ingestRejected(kind, rejectReason(ctx.res.status), records);
  };
}
