import type { BodyRecords } from "../http/body-records.ts";
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

export function validateMetricSamples(body: BodyRecords): MetricSample[] {
  const v = new RecordValidator(body.where);
  const out: MetricSample[] = [];
  body.records.forEach((raw, i) => {
    const r = v.object(i, raw);
    if (!r) return;
    const name = v.string(i, r, "name", { required: true });
    if (name !== undefined && !NAME.test(name)) v.errors.push({ path: `${body.where(i)}.name`, message: "letters, digits, _ . : - only, not starting with a digit" });
    out.push({
      name: name ?? "",
      value: v.number(i, r, "value", { required: true }) ?? 0,
      ts: v.timestamp(i, r, "timestamp") ?? 0,
      service: v.name(i, r, "service", { required: true }) ?? "",
      environment: v.name(i, r, "environment") ?? "production",
      host: v.name(i, r, "host", { max: 255 }),
      version: v.name(i, r, "version"),
      tags: tagsOf(v, body, i, r.tags),
    });
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
