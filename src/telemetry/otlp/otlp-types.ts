/**
 * The parts of the decoded OTLP messages (opentelemetry-proto v1.9.0, as protobufjs decodes them: lowerCamelCase,
 * 64-bit integers as Long) that deploy-guard reads. Absent fields read as their proto3 defaults.
 */
export type Int64 = number | string | { toNumber(): number };

export interface AnyValue {
  stringValue?: string; boolValue?: boolean; intValue?: Int64; doubleValue?: number;
  arrayValue?: { values: AnyValue[] }; kvlistValue?: { values: KeyValue[] }; bytesValue?: Uint8Array;
}
export interface KeyValue { key: string; value?: AnyValue | null }
export interface Resource { attributes: KeyValue[] }

export interface Span {
  spanId: Uint8Array; parentSpanId: Uint8Array; flags: number; name: string; kind: number;
  startTimeUnixNano: Int64; endTimeUnixNano: Int64; attributes: KeyValue[];
  events: { name: string; attributes: KeyValue[] }[];
  status?: { message: string; code: number } | null;
}
export interface ResourceSpans { resource?: Resource | null; scopeSpans: { spans: Span[] }[] }
export interface TracesRequest { resourceSpans: ResourceSpans[] }

export interface NumberDataPoint { attributes: KeyValue[]; startTimeUnixNano: Int64; timeUnixNano: Int64; asDouble?: number; asInt?: Int64; flags: number }
export interface HistogramDataPoint {
  attributes: KeyValue[]; startTimeUnixNano: Int64; timeUnixNano: Int64; count: Int64; sum?: number;
  bucketCounts: Int64[]; explicitBounds: number[]; min?: number; max?: number; flags: number;
}
export interface Metric {
  name: string; unit: string;
  gauge?: { dataPoints: NumberDataPoint[] } | null;
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram?: { dataPoints: unknown[] } | null;
  summary?: { dataPoints: unknown[] } | null;
}
export interface ResourceMetrics { resource?: Resource | null; scopeMetrics: { metrics: Metric[] }[] }
export interface MetricsRequest { resourceMetrics: ResourceMetrics[] }

export interface LogRecord {
  timeUnixNano: Int64; observedTimeUnixNano: Int64; severityNumber: number; severityText: string;
  body?: AnyValue | null; attributes: KeyValue[];
}
export interface ResourceLogs { resource?: Resource | null; scopeLogs: { logRecords: LogRecord[] }[] }
export interface LogsRequest { resourceLogs: ResourceLogs[] }

export const SPAN_KIND_SERVER = 2;
export const STATUS_CODE_ERROR = 2;
export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: a point that says there is no value (a series that went away). */
export const NO_RECORDED_VALUE = 1;
