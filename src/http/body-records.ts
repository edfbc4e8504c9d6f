import { AppError } from "./app-error.ts";

export interface BodyRecords {
  records: unknown[];
  /** How to name record i in an error: "events[3]" for JSON, "line 4" for NDJSON. */
  where: (i: number) => string;
}

// 10,000: the largest batch whose single SQL write (it is stored whole or not at all) stays near 35 ms, so no other request
// waits much behind it (issue 13, item 9). A 50,000-record batch held the loop for about 100 ms.
export const MAX_RECORDS = 10_000;

/** Splits a telemetry body into records: JSON {key: [...]} (or a bare array) or NDJSON, one record a line. */
export function parseBodyRecords(contentType: string | undefined, text: string, key: string): BodyRecords {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let result: BodyRecords;
  if (type === "application/x-ndjson" || type === "application/jsonl" || type === "application/json-seq") {
    result = parseNdjson(text);
  } else if (type === "application/json" || type === "") {
    result = parseJson(text, key);
  } else {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Send application/json ({"${key}": [...]}) or application/x-ndjson (one record a line), not '${type}'.`);
  }
  if (result.records.length === 0) throw new AppError("VALIDATION_FAILED", `The body holds no ${key}.`, [{ path: key, message: "empty" }]);
  if (result.records.length > MAX_RECORDS) {
    throw new AppError("PAYLOAD_TOO_LARGE", `At most ${MAX_RECORDS} ${key} a request; this one has ${result.records.length}. Split it.`);
  }
  return result;
}

function parseJson(text: string, key: string): BodyRecords {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new AppError("MALFORMED_BODY", `The body is not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(body)) return { records: body, where: (i) => `[${i}]` };
  const list = body && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) {
    throw new AppError("VALIDATION_FAILED", `Expected a JSON object with an array '${key}'.`, [{ path: key, message: "required array" }]);
  }
  return { records: list, where: (i) => `${key}[${i}]` };
}

function parseNdjson(text: string): BodyRecords {
  const records: unknown[] = [];
  const lines: number[] = [];
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    const trimmed = line.trim();
    if (trimmed === "") continue;
    try {
      records.push(JSON.parse(trimmed));
    } catch (err) {
      throw new AppError("MALFORMED_BODY", `line ${lineNo} is not valid JSON: ${(err as Error).message}`, [{ path: `line ${lineNo}`, message: "not valid JSON" }]);
    }
    lines.push(lineNo);
  }
  return { records, where: (i) => `line ${lines[i]}` };
}
