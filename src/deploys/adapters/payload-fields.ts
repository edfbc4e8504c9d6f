import { AppError } from "../../http/app-error.ts";

/** Reads one field of a tool's JSON payload by its dotted path, e.g. "project.name". */
export function field(payload: unknown, path: string): unknown {
  let at: unknown = payload;
  for (const key of path.split(".")) {
    if (at === null || typeof at !== "object" || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

export function missing(path: string, message = "required"): AppError {
  return new AppError("VALIDATION_FAILED", `${path}: ${message}`, [{ path, message }]);
}

/** A string (or number, as tools send ids both ways) at path, or undefined when absent, null or empty. */
export function optionalText(payload: unknown, path: string): string | undefined {
  const value = field(payload, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") throw missing(path, `must be a string, not ${Array.isArray(value) ? "an array" : typeof value}`);
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

export function requiredText(payload: unknown, path: string): string {
  const value = optionalText(payload, path);
  if (value === undefined) throw missing(path);
  return value;
}

/** Every payload must at least be a JSON object. */
export function requireObject(payload: unknown): Record<string, unknown> {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw missing("(body)", "must be a JSON object");
  return payload as Record<string, unknown>;
}

/** Epoch milliseconds sent as a number or a numeric string (Flagger, Jenkins). */
export function optionalEpochMs(payload: unknown, path: string): number | undefined {
  const value = field(payload, path);
  if (value === undefined || value === null || value === "") return undefined;
  const ms = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw missing(path, "must be epoch milliseconds");
  return ms;
}

/** An ISO 8601 date-time with a zone (Argo CD's RFC 3339 times), as epoch milliseconds. */
export function optionalIsoTime(payload: unknown, path: string): number | undefined {
  const text = optionalText(payload, path);
  if (text === undefined) return undefined;
  const ms = /\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw missing(path, "must be an ISO 8601 date-time with a zone");
  return ms;
}

/** A link to show with the release; one a template left half-filled ("<no value>/applications/x") is dropped, not refused. */
export function optionalUrl(payload: unknown, path: string): string | undefined {
  const text = optionalText(payload, path);
  return text !== undefined && URL.canParse(text) && /^https?:\/\//i.test(text) ? text : undefined;
}
