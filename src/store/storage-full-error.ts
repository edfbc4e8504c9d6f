/** SQLITE_FULL from SQLite (database or disk full) or ENOSPC from the file system, anywhere in the cause chain. */
export function isStorageFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_FULL" || code === "ENOSPC") return true;
  }
  return false;
}
