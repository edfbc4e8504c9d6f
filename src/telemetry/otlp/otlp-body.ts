import { gunzip } from "node:zlib";
import { promisify } from "node:util";
import { AppError } from "../../http/app-error.ts";
import { readCappedBody } from "../../http/body-size.ts";

export type OtlpFormat = "protobuf" | "json";

const CONTENT_TYPES: Record<string, OtlpFormat> = { "application/x-protobuf": "protobuf", "application/json": "json" };
export const CONTENT_TYPE: Record<OtlpFormat, string> = { protobuf: "application/x-protobuf", json: "application/json" };

const gunzipAsync = promisify(gunzip);

/** The encoding OTLP/HTTP allows for a request; 415 for any other, before a byte of the body is read. */
export function formatOf(contentType: string | undefined): OtlpFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const format = CONTENT_TYPES[type];
  if (!format) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `OTLP/HTTP takes application/x-protobuf or application/json, not '${type || "(none)"}'.`);
  return format;
}

/**
 * The request body, gunzipped when it says so. The cap holds for the bytes sent and again for the bytes they inflate
 * to (OTLP/HTTP: "including after decompression"), so a small gzip bomb is a 413, not an out-of-memory.
 */
export async function readOtlpBody(req: Request, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "identity") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Content-Encoding '${encoding}' is not supported; send gzip or no encoding.`);
  }
  const sent = await readCappedBody(req, maxBytes, "The OTLP body");
  if (encoding === "identity") return sent;
  try {
    return await gunzipAsync(sent, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new AppError("PAYLOAD_TOO_LARGE", `The OTLP body inflates to more than ${maxBytes} bytes; send smaller batches.`);
    }
    throw new AppError("MALFORMED_BODY", `The body says Content-Encoding: gzip but is not valid gzip (${(err as Error).message}).`);
  }
}
