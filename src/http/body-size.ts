import type { MiddlewareHandler } from "hono";
import { AppError } from "./app-error.ts";
import { problemResponse } from "./problem.ts";

const tooLarge = (maxBytes: number, what = "The body") => new AppError("PAYLOAD_TOO_LARGE", `${what} is larger than ${maxBytes} bytes; send smaller batches.`);

/**
 * Refuses bodies over the limit. A declared Content-Length is checked from the header alone. A chunked body is not
 * read here (Hono's bodyLimit buffers it whole before any token is checked): it is wrapped in a counting stream that
 * fails once past the limit, so only a handler that has authenticated the request ever reads it.
 */
export function bodySizeLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
      return next();
    }
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const body = c.req.raw.body;
    if (!body) return next();
    const cap = cappedStream(maxBytes);
    c.req.raw = new Request(c.req.raw, { body: body.pipeThrough(cap.stream), duplex: "half" } as RequestInit);
    await next();
    // Hono's JSON validator reports any failed read as malformed JSON; the reader should hear the real reason.
    if (cap.tripped() && c.res.status === 400) c.res = problemResponse(c, tooLarge(maxBytes));
  };
}

/** A pass-through stream that errors with PAYLOAD_TOO_LARGE once more than maxBytes went through. */
export function cappedStream(maxBytes: number): { stream: TransformStream<Uint8Array, Uint8Array>; tripped: () => boolean } {
  let seen = 0;
  let tripped = false;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) {
        tripped = true;
        controller.error(tooLarge(maxBytes));
        return;
      }
      controller.enqueue(chunk);
    },
  });
  return { stream, tripped: () => tripped };
}

/**
 * Reads a request body up to maxBytes, handing each chunk to onChunk as it arrives (a streaming signature check), and
 * stops reading at the cap with 413. A declared Content-Length over the cap is refused before a byte is read.
 */
export async function readCappedBody(req: Request, maxBytes: number, what: string, onChunk?: (chunk: Uint8Array) => void): Promise<Buffer> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes, what);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // No cancel: cancelling resets the connection before the 413 is written; the server drains what is left.
      reader.releaseLock();
      throw tooLarge(maxBytes, what);
    }
    onChunk?.(value);
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
