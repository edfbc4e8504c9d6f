import type { BodyRecords } from "../http/body-records.ts";
import { inSlices, SLICE } from "./event-loop-slices.ts";
import { RecordValidator } from "./record-validator.ts";

export interface MetricSample {
  name: string;
  value: number;
  ts: number;
  service: string;
  environment: string;
  host: string | undefined;
  version: string | undefined;
  tags: Record<string, string> | undefined;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;

/** One sample checked and read; undefined (with errors in `v`) when it is not valid. OTLP ingest checks record by record. */
export function metricSampleOf(v: RecordValidator, body: BodyRecords, i: number, raw: unknown): MetricSample | undefined {
  const r = v.object(i, raw);
  if (!r) return undefined;
  const name = v.string(i, r, "name", { required: true });
  if (name !== undefined && !NAME.test(name)) v.errors.push({ path: `${body.where(i)}.name`, message: "letters, digits, _ . : - only, not starting with a digit" });
  return {
    name: name ?? "",
    // Bounded so that a minute's sum of any number of samples stays finite: PostgreSQL refuses an overflowing sum.
    value: v.number(i, r, "value", { required: true, min: -1e100, max: 1e100 }) ?? 0,
    ts: v.timestamp(i, r, "timestamp") ?? 0,
    service: v.name(i, r, "service", { required: true }) ?? "",
    environment: v.name(i, r, "environment") ?? "production",
    host: v.name(i, r, "host", { max: 255 }),
    version: v.name(i, r, "version"),
    tags: tagsOf(v, body, i, r.tags),
  };
}

/** Validates every sample, `slice` between turns of the event loop, as log events are. */
export async function validateMetricSamples(body: BodyRecords, slice = SLICE): Promise<MetricSample[]> {
  const v = new RecordValidator(body.where);
  const out: MetricSample[] = [];
  await inSlices(body.records.length, slice, (from, to) => {
    for (let i = from; i < to; i++) {
      const s = metricSampleOf(v, body, i, body.records[i]);
      if (s) out.push(s);
    }
  });
  v.throwIfAny("samples", body.records.length);
  return out;
}

function tagsOf(v: RecordValidator, body: BodyRecords, i: number, tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  const where = `${body.where(i)}.tags`;
  if (typeof tags !== "object" || Array.isArray(tags)) {
    v.errors.push({ path: where, message: "must be an object of string values" });
    return undefined;
  }
  const out: Record<string, string> = {};
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 50) v.errors.push({ path: where, message: "at most 50 tags" });
  for (const [k, val] of entries) {
    if (typeof val === "string" || typeof val === "number" || typeof val === "boolean") out[k] = String(val);
    else v.errors.push({ path: `${where}.${k}`, message: "must be a string, number or boolean" });
  }
  return out;
}
