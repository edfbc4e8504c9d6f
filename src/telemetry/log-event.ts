import type { BodyRecords } from "../http/body-records.ts";
import { inSlices, SLICE } from "./event-loop-slices.ts";
import { RecordValidator } from "./record-validator.ts";

export interface LogEvent {
  ts: number;
  service: string;
  environment: string;
  host: string | undefined;
  version: string | undefined;
  level: string | undefined;
  status: number | undefined;
  latencyMs: number | undefined;
  route: string | undefined;
  message: string | undefined;
  isError: boolean;
}

const ERROR_LEVELS = new Set(["error", "err", "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic"]);

/** An error is a request that answered 5xx or a line logged at error level or worse. */
export function isErrorEvent(status: number | undefined, level: string | undefined): boolean {
  return (status !== undefined && status >= 500) || (level !== undefined && ERROR_LEVELS.has(level));
}

/** One record checked and read; undefined (with errors in `v`) when it is not valid. OTLP ingest checks record by record. */
export function logEventOf(v: RecordValidator, i: number, raw: unknown): LogEvent | undefined {
  const r = v.object(i, raw);
  if (!r) return undefined;
  const level = v.name(i, r, "level", { max: 20 })?.toLowerCase();
  const status = v.number(i, r, "status", { integer: true, min: 100, max: 599 });
  return {
    ts: v.timestamp(i, r, "timestamp") ?? 0,
    service: v.name(i, r, "service", { required: true }) ?? "",
    environment: v.name(i, r, "environment") ?? "production",
    host: v.name(i, r, "host", { max: 255 }),
    version: v.name(i, r, "version"),
    level,
    status,
    latencyMs: v.number(i, r, "latency_ms", { min: 0, max: 1e8 }),
    route: v.name(i, r, "route", { max: 500 }),
    message: v.string(i, r, "message", { max: 65_536 }),
    isError: isErrorEvent(status, level),
  };
}

/** Validates every record, `slice` between turns of the event loop, so a 10,000-record body never holds other requests long. */
export async function validateLogEvents(body: BodyRecords, slice = SLICE): Promise<LogEvent[]> {
  const v = new RecordValidator(body.where);
  const out: LogEvent[] = [];
  await inSlices(body.records.length, slice, (from, to) => {
    for (let i = from; i < to; i++) {
      const e = logEventOf(v, i, body.records[i]);
      if (e) out.push(e);
    }
  });
  v.throwIfAny("events", body.records.length);
  return out;
}
