import type { FieldError } from "../../http/app-error.ts";
import { inSlices, SLICE } from "../event-loop-slices.ts";
import type { IngestPolicy } from "../ingest-policy.ts";
import { RecordValidator } from "../record-validator.ts";
import type { MappedRecords } from "./mapped-records.ts";

/** The records that may be stored, with their place in the request, and why each of the others may not. */
export interface Screened<T> {
  kept: T[];
  /** Index in the mapped records of each kept one (to find data kept beside the records). */
  index: number[];
  where: string[];
  refused: FieldError[];
}

/**
 * Checks every mapped record with the validator of POST /api/v1/logs or /metrics and the ingest bounds (retention,
 * clock), record by record: OTLP answers a bad record with partial_success instead of refusing the whole batch.
 * One validator a record, so no error is lost to a validator's cap and each refusal names its own first problem.
 */
export async function screen<T extends { ts: number }>(
  mapped: MappedRecords,
  read: (v: RecordValidator, raw: unknown, where: string) => T | undefined,
  policy: IngestPolicy,
  now: number,
): Promise<Screened<T>> {
  const out: Screened<T> = { kept: [], index: [], where: [], refused: [] };
  await inSlices(mapped.records.length, SLICE, (from, to) => {
    for (let i = from; i < to; i++) {
      const where = mapped.where[i]!;
      const v = new RecordValidator(() => where);
      const record = read(v, mapped.records[i], where);
      const problem = v.errors[0] ?? (record ? outOfBounds(policy, record.ts, now, where) : { path: where, message: "is not valid" });
      if (problem) {
        out.refused.push(problem);
        continue;
      }
      out.kept.push(record!);
      out.index.push(i);
      out.where.push(where);
    }
  });
  return out;
}

function outOfBounds(policy: IngestPolicy, ts: number, now: number, where: string): FieldError | undefined {
  const message = policy.outOfBounds(ts, now);
  return message ? { path: `${where}.timestamp`, message } : undefined;
}
