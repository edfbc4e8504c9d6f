export const ERROR_CODES = [
  "BAD_REQUEST",
  "VALIDATION_FAILED",
  "MALFORMED_BODY",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  /** Where the problem is, e.g. "events[3].timestamp" or "line 7: status". */
  path: string;
  message: string;
}

/** The one error type domain code throws; the HTTP layer turns it into application/problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  /** RFC 9457 extension members added to the problem, e.g. the stored event a 409 conflicts with. */
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, errors: FieldError[] = [], extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.errors = errors;
    this.extensions = extensions;
  }
}

export function statusOf(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 {
  switch (code) {
    case "BAD_REQUEST":
    case "MALFORMED_BODY":
      return 400;
    case "VALIDATION_FAILED":
      return 422;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "UNAUTHORIZED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
      return 409;
    case "INTERNAL":
      return 500;
  }
}

export const TITLES: Record<ErrorCode, string> = {
  BAD_REQUEST: "Bad request",
  VALIDATION_FAILED: "The request body is not valid",
  MALFORMED_BODY: "The request body could not be parsed",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported content type",
  PAYLOAD_TOO_LARGE: "The request body is too large",
  UNAUTHORIZED: "Missing or invalid API token",
  FORBIDDEN: "This token may not do that",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict",
  INTERNAL: "Internal error",
};
