import type { Context } from "hono";
import type { Logger } from "pino";
import type { AppEnv } from "./app-env.ts";
import { isStorageFull } from "../store/storage-full-error.ts";
import { storageFullResponse, type StorageHealth } from "./storage-full.ts";
import { problemResponse } from "./problem.ts";

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
    const res = problemResponse(ctx, err);
    if (res.status >= 500) logger.error({ err, requestId }, "unhandled error");
    else logger.info({ requestId, status: res.status, error: err.message }, "client error");
    return res;
  };
}
