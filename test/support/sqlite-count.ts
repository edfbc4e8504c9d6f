import Database from "better-sqlite3";

/** Reads one count straight from the service's database file, beside the running service (WAL allows it). */
export function countRows(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
