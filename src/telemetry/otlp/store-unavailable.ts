import { unavailableResponse } from "../../http/storage-full.ts";

/** Seconds an exporter is told to wait before sending the export again. */
export const RETRY_AFTER_SECONDS = 15;

/** SQLite and PostgreSQL errors that say the database cannot be reached or used just now, not that the data is bad. */
const SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|PROTOCOL)/;
const POSTGRES = /^(08...|57P0[123]|53300|40001|40P01)$/;
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
const MESSAGES = /database connection is not open|Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;

/**
 * Whether a failed write is worth sending again later: OTLP exporters retry a 503 and honour its Retry-After, and
 * drop the data on any other 5xx. A full disk is answered 503 by the error handler already.
 */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (SQLITE.test(code) || POSTGRES.test(code) || NETWORK.has(code)) return true;
    if (MESSAGES.test(String((e as { message?: unknown }).message ?? ""))) return true;
  }
  return false;
}

/** The 503 problem: nothing of the export was stored, and it may be sent again after Retry-After. */
export function storeUnavailableResponse(requestId: string | undefined): Response {
  return unavailableResponse({
    slug: "store-unavailable", title: "The database is unavailable", code: "STORE_UNAVAILABLE",
    detail: "The database could not be written just now; nothing from this export was stored. Send it again after the Retry-After time.",
  }, RETRY_AFTER_SECONDS, requestId);
}
