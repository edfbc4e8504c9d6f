import { attributes, integer, nanosToMs, originOf, text, toNumber, withOrigin } from "./otlp-values.ts";
import { SPAN_KIND_SERVER, STATUS_CODE_ERROR, type Span, type TracesRequest } from "./otlp-types.ts";
import type { MappedRecords } from "./mapped-records.ts";

const SPAN_KIND_UNSPECIFIED = 0, SPAN_KIND_INTERNAL = 1;
/** SpanFlags: bit 8 says whether bit 9 is known; bit 9 says the parent is in another process. */
const HAS_IS_REMOTE = 0x100, IS_REMOTE = 0x200;
const MAX_MESSAGE = 65_536;

const hex = (id: Uint8Array | undefined) => (id && id.length > 0 ? Buffer.from(id).toString("hex") : "");

/** A request this service answered: a SERVER span, or an HTTP span whose parent is not one of this service's spans. */
function isServerSpan(span: Span, attrs: Record<string, unknown>, localIds: Set<string>): boolean {
  if (span.kind === SPAN_KIND_SERVER) return true;
  if (span.kind !== SPAN_KIND_UNSPECIFIED && span.kind !== SPAN_KIND_INTERNAL) return false;
  if (text(attrs, "http.request.method", "http.method", "http.route") === undefined) return false;
  const parent = hex(span.parentSpanId);
  if (parent === "") return true;
  if ((span.flags & HAS_IS_REMOTE) !== 0) return (span.flags & IS_REMOTE) !== 0;
  return !localIds.has(parent);
}

/** Why a failed request failed, for error signatures: the recorded exception, else the span status's message. */
function errorMessage(span: Span): string | undefined {
  const exception = span.events.find((e) => e.name === "exception");
  if (exception) {
    const a = attributes(exception.attributes);
    const said = [text(a, "exception.type"), text(a, "exception.message")].filter((s) => s !== undefined).join(": ");
    if (said !== "") return said.slice(0, MAX_MESSAGE);
  }
  return span.status?.message ? span.status.message.slice(0, MAX_MESSAGE) : undefined;
}

/**
 * Server spans as request events in the shape POST /api/v1/logs takes (so the same validator checks them): status from
 * the HTTP status code, else an ERROR span status counts as an error; duration end − start; dated at the end.
 * Other spans are not requests this service answered: skipped, not refused.
 */
export function mapSpans(req: TracesRequest): MappedRecords {
  const out: MappedRecords = { records: [], where: [], skipped: 0 };
  req.resourceSpans.forEach((rs, r) => {
    const origin = withOrigin(originOf(rs.resource));
    const localIds = new Set<string>();
    for (const ss of rs.scopeSpans) for (const span of ss.spans) localIds.add(hex(span.spanId));
    rs.scopeSpans.forEach((ss, s) => ss.spans.forEach((span, i) => {
      const attrs = attributes(span.attributes);
      if (!isServerSpan(span, attrs, localIds)) {
        out.skipped++;
        return;
      }
      const status = integer(attrs, "http.response.status_code", "http.status_code");
      const failed = status === undefined ? span.status?.code === STATUS_CODE_ERROR : status >= 500;
      out.records.push({
        ...origin,
        timestamp: nanosToMs(span.endTimeUnixNano),
        status,
        level: status === undefined && failed ? "error" : undefined,
        latency_ms: (toNumber(span.endTimeUnixNano) - toNumber(span.startTimeUnixNano)) / 1e6,
        route: text(attrs, "http.route"),
        message: failed ? errorMessage(span) : undefined,
      });
      out.where.push(`resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`);
    }));
  });
  return out;
}
