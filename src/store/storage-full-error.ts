/** SQLITE_FULL from SQLite (database or disk full), 53100 disk_full from PostgreSQL, or ENOSPC, anywhere in the cause chain. */
export function isStorageFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "53100") return true;
  }
  return false;
}
