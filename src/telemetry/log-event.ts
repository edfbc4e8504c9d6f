import type { BodyRecords } from "../http/body-records.ts";
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

export function validateLogEvents(body: BodyRecords): LogEvent[] {
  const v = new RecordValidator(body.where);
  const out: LogEvent[] = [];
  body.records.forEach((raw, i) => {
    const r = v.object(i, raw);
    if (!r) return;
    const level = v.name(i, r, "level", { max: 20 })?.toLowerCase();
    const status = v.number(i, r, "status", { integer: true, min: 100, max: 599 });
    out.push({
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
    });
  });
  v.throwIfAny("events", body.records.length);
  return out;
}
