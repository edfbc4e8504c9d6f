import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { AppError, statusOf, TITLES, type FieldError } from "./app-error.ts";

/** Formats a zod path as people write it: events[3].timestamp. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(body)" : out;
}

export function zodFieldErrors(error: ZodError, prefix = ""): FieldError[] {
  return error.issues.map((i) => ({ path: formatPath(i.path, prefix), message: i.message }));
}

export function validationError(error: ZodError, prefix = ""): AppError {
  const errors = zodFieldErrors(error, prefix);
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return new AppError("VALIDATION_FAILED", first ? `${first.path}: ${first.message}${more}` : "invalid body", errors);
}

/** RFC 9457 problem details for any error; unknown errors become a 500 with no internals exposed. */
export function problemResponse(c: Context, err: unknown): Response {
  const requestId = c.get("requestId") as string | undefined;
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof HTTPException) appError = fromHttpException(err);
  else appError = new AppError("INTERNAL", "An unexpected error occurred; it has been logged with this request id.");
  const status = statusOf(appError.code);
  const body = {
    ...appError.extensions,
    type: `https://deploy-guard.dev/problems/${appError.code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLES[appError.code],
    status,
    detail: appError.message,
    code: appError.code,
    requestId,
    ...(appError.errors.length > 0 ? { errors: appError.errors.slice(0, 100) } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...(status === 401 ? { "www-authenticate": "Bearer" } : {}) },
  });
}

function fromHttpException(err: HTTPException): AppError {
  if (err.status === 413) return new AppError("PAYLOAD_TOO_LARGE", err.message);
  if (err.status === 401) return new AppError("UNAUTHORIZED", err.message);
  if (err.status === 404) return new AppError("NOT_FOUND", err.message);
  if (err.status === 415) return new AppError("UNSUPPORTED_MEDIA_TYPE", err.message);
  if (/json/i.test(err.message)) return new AppError("MALFORMED_BODY", `${err.message}: the body is not valid JSON`);
  return new AppError("BAD_REQUEST", err.message || "bad request");
}
