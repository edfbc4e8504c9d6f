import protobuf from "protobufjs";
import { AppError } from "../../http/app-error.ts";
import type { OtlpFormat } from "./otlp-body.ts";
import { OTLP_DESCRIPTOR } from "./otlp-descriptor.ts";
import type { LogsRequest, MetricsRequest, TracesRequest } from "./otlp-types.ts";

export type OtlpSignal = "traces" | "metrics" | "logs";

interface Messages { request: protobuf.Type; response: protobuf.Type; rejectedField: string }

const root = protobuf.Root.fromJSON(OTLP_DESCRIPTOR);
const messages = (pkg: string, name: string, rejectedField: string): Messages => ({
  request: root.lookupType(`opentelemetry.proto.collector.${pkg}.v1.Export${name}ServiceRequest`),
  response: root.lookupType(`opentelemetry.proto.collector.${pkg}.v1.Export${name}ServiceResponse`),
  rejectedField,
});
const SIGNALS: Record<OtlpSignal, Messages> = {
  traces: messages("trace", "Trace", "rejectedSpans"),
  metrics: messages("metrics", "Metrics", "rejectedDataPoints"),
  logs: messages("logs", "Logs", "rejectedLogRecords"),
};

/** OTLP/JSON writes trace and span ids as hex, where proto3 JSON would have base64: turn them into bytes first. */
const HEX_IDS = ["traceId", "spanId", "parentSpanId"];
function hexIdsToBytes(node: unknown, depth = 0): void {
  if (depth > 8 || !node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) hexIdsToBytes(item, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  for (const key of HEX_IDS) {
    const v = o[key];
    if (typeof v === "string") {
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(v)) throw new AppError("MALFORMED_BODY", `${key} '${v.slice(0, 40)}' is not hex (OTLP/JSON writes ids as hex).`);
      o[key] = Buffer.from(v, "hex");
    }
  }
  for (const key of ["resourceSpans", "scopeSpans", "spans", "links", "resourceLogs", "scopeLogs", "logRecords"]) hexIdsToBytes(o[key], depth + 1);
}

function decodeWith(signal: OtlpSignal, body: Buffer, format: OtlpFormat): unknown {
  const type = SIGNALS[signal].request;
  if (format === "protobuf") return type.decode(body);
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new AppError("MALFORMED_BODY", `The body is not valid JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new AppError("MALFORMED_BODY", `The body must be a JSON object (an ${type.name}).`);
  hexIdsToBytes(json);
  return type.fromObject(json as Record<string, unknown>);
}

/** The request message, or 400 with what could not be decoded (never a 500 for a client's bytes). */
export function decodeRequest(signal: "traces", body: Buffer, format: OtlpFormat): TracesRequest;
export function decodeRequest(signal: "metrics", body: Buffer, format: OtlpFormat): MetricsRequest;
export function decodeRequest(signal: "logs", body: Buffer, format: OtlpFormat): LogsRequest;
export function decodeRequest(signal: OtlpSignal, body: Buffer, format: OtlpFormat): unknown {
  try {
    return decodeWith(signal, body, format);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const what = format === "protobuf" ? "protobuf" : "OTLP/JSON";
    throw new AppError("MALFORMED_BODY", `The body is not a valid ${what} ${SIGNALS[signal].request.name}: ${(err as Error).message}`);
  }
}

/** The Export*ServiceResponse, in the request's encoding; partial_success only when something was refused. */
export function encodeResponse(signal: OtlpSignal, format: OtlpFormat, rejected: number, message: string): Uint8Array<ArrayBuffer> | string {
  const { response, rejectedField } = SIGNALS[signal];
  const body = rejected > 0 ? { partialSuccess: { [rejectedField]: rejected, errorMessage: message } } : {};
  const msg = response.fromObject(body);
  if (format === "protobuf") return new Uint8Array(response.encode(msg).finish());
  return JSON.stringify(response.toObject(msg, { longs: String }));
}
