import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const ADMIN_TOKEN_FILE = "admin-token";

/** Where the first-start admin token is written: beside the SQLite file, in the data directory. */
export function adminTokenPath(dbPath: string): string {
  return join(dbPath === ":memory:" ? process.cwd() : dirname(resolve(dbPath)), ADMIN_TOKEN_FILE);
}

/**
 * Writes the token readable by the service's user alone (0600). A file left from an older database is replaced,
 * not reused, so its mode and owner cannot be inherited.
 */
export function writeAdminToken(path: string, token: string): void {
  rmSync(path, { force: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
}
