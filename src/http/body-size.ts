import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "./app-error.ts";
import { problemResponse } from "./problem.ts";

/**
 * Refuses bodies over the limit. A declared Content-Length is checked from the header alone: Hono's bodyLimit reads
 * c.req.raw.body, which makes @hono/node-server build a full web Request for every POST (a quarter of a millisecond
 * each); chunked bodies, which declare no length, still go through it and are counted as they stream.
 */
export function bodySizeLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${maxBytes} bytes; send smaller batches.`);
  const streaming = bodyLimit({ maxSize: maxBytes, onError: (c) => problemResponse(c, tooLarge()) });
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number(declared) > maxBytes) throw tooLarge();
      return next();
    }
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return streaming(c, next);
  };
}
