import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import type { Store } from "../store/store.ts";

export { isStorageFull } from "../store/storage-full-error.ts";

/** Seconds a client is told to wait, and how long a full-disk error keeps /readyz not-ready. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;
/** Less free space than this on the database's disk is reported as full before SQLite runs into it. */
const MIN_FREE_BYTES = 16 * 1024 * 1024;

/** A 503 problem whose request stored nothing and may be sent again after `retryAfterSeconds`. */
export function unavailableResponse(problem: { slug: string; title: string; detail: string; code: string }, retryAfterSeconds: number, requestId: string | undefined): Response {
  const body = { type: `https://deploy-guard.dev/problems/${problem.slug}`, title: problem.title, status: 503, detail: problem.detail, code: problem.code, requestId };
  return new Response(JSON.stringify(body), {
    status: 503, headers: { "content-type": "application/problem+json", "retry-after": String(retryAfterSeconds) },
  });
}

/** The 503 a write gets when the disk is full: nothing of the request was stored, and it may be sent again later. */
export function storageFullResponse(requestId: string | undefined): Response {
  return unavailableResponse({
    slug: "storage-full", title: "Storage is full", code: "STORAGE_FULL",
    detail: "The database could not be written because its disk is full; nothing from this request was stored. Send it again after the Retry-After time.",
  }, STORAGE_RETRY_AFTER_SECONDS, requestId);
}

/** Remembers the last full-disk error and answers /readyz's storage check. */
export class StorageHealth {
  private fullAt: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly dbPath: string,
    private readonly now: () => number,
  ) {}

  markFull(): void {
    this.fullAt = this.now();
  }

  /** "ok …" or "full: …" */
  async check(): Promise<string> {
    if (this.fullAt !== undefined && this.now() - this.fullAt < STORAGE_RETRY_AFTER_SECONDS * 1000) {
      return `full: a write failed for lack of space at ${new Date(this.fullAt).toISOString()}`;
    }
    // The database's disk is the PostgreSQL server's to watch; a write it refuses for space still marks us full above.
    if (this.store.dialect === "postgres") return "ok";
    const pages = await this.pragma("page_count");
    const max = await this.pragma("max_page_count");
    const free = await this.pragma("freelist_count");
    if (pages >= max && free === 0) return "full: the database has reached its maximum size (max_page_count)";
    if (this.dbPath === ":memory:") return "ok";
    try {
      const fs = statfsSync(dirname(this.dbPath));
      const bytes = fs.bavail * fs.bsize;
      if (bytes < MIN_FREE_BYTES) return `full: ${Math.floor(bytes / 1024)} KiB free on the database's disk`;
      return `ok (${Math.floor(bytes / 1024 / 1024)} MiB free)`;
    } catch {
      return "ok";
    }
  }

  private async pragma(name: "page_count" | "max_page_count" | "freelist_count"): Promise<number> {
    const row = await this.store.statement<Record<string, number>>(`PRAGMA ${name}`).get();
    return Number(row?.[name]);
  }
}
