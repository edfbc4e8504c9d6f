import type { Context } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "./app-env.ts";
import { isStorageFull } from "../store/storage-full-error.ts";
import { storageFullResponse, type StorageHealth } from "./storage-full.ts";
import { AppError } from "./app-error.ts";
import { problemResponse } from "./problem.ts";

/**
 * PostgreSQL refuses a NUL character in text (22021), which SQLite stores: a client's bad input, not our fault. Found
 * anywhere in the cause chain, as drizzle wraps the driver's error.
 */
function isNulInText(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "22021") return true;
  }
  return false;
}

/**
 * Every error becomes problem+json. A client's mistake (4xx) is logged at info, so a client cannot flood the error log;
 * only what the service got wrong (5xx) is logged as an error, with its stack.
 */
export function errorHandler(logger: Logger, storage: StorageHealth) {
  return (err: Error, ctx: Context<AppEnv>): Response => {
    const requestId = ctx.get("requestId");
    if (isStorageFull(err)) {
      storage.markFull();
      logger.error({ requestId, code: "STORAGE_FULL", error: err.message }, "write refused: the disk is full");
      return storageFullResponse(requestId);
    }
    const res = problemResponse(ctx, isNulInText(err) ? new AppError("BAD_REQUEST", "Text in this request contains the NUL character (\\u0000), which cannot be stored") : err);
    if (res.status >= 500) logger.error({ err, requestId }, "unhandled error");
    else logger.info({ requestId, status: res.status, error: err.message }, "client error");
    return res;
  };
}
