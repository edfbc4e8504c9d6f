import { z } from "@hono/zod-openapi";

const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 24 * 3600 * 1000;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO 8601 string (with a zone) or epoch milliseconds; returns epoch ms or an error message. */
export function parseTimestamp(value: unknown, now = Date.now()): number | string {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "must be a finite number of epoch milliseconds";
    ms = value;
  } else if (typeof value === "string") {
    if (!ISO_8601.test(value)) return "must be ISO 8601 with a time zone (e.g. 2026-11-21T10:00:00Z) or epoch milliseconds";
    ms = Date.parse(value);
    if (Number.isNaN(ms)) return "is not a real date";
  } else {
    return "must be an ISO 8601 string or epoch milliseconds";
  }
  if (ms < EARLIEST) return `is before 2000-01-01 (epoch seconds instead of milliseconds?)`;
  if (ms > now + MAX_AHEAD_MS) return "is more than a day in the future";
  return Math.round(ms);
}

export const TimestampField = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const parsed = parseTimestamp(v);
    if (typeof parsed === "string") {
      ctx.addIssue({ code: "custom", message: parsed });
      return z.NEVER;
    }
    return parsed;
  })
  .openapi({ description: "ISO 8601 with a time zone, or epoch milliseconds", example: "2026-11-21T10:00:00Z" });
