import { parseArgs } from "node:util";
import { databaseLabel, loadConfig } from "../config.ts";
import { PgStore } from "../store/pg-store.ts";
import { copySqliteToPostgres } from "../store/sqlite-to-postgres.ts";
import { SqliteStore } from "../store/sqlite-store.ts";

const USAGE = "usage: deploy-guard db migrate-to postgres://user:pass@host:port/db [--from PATH]  (PATH: the SQLite file, default DEPLOY_GUARD_DB)\n";

/** `deploy-guard db migrate-to postgres://…`: moves a SQLite file's whole history into PostgreSQL (docs/scaling.md). */
export async function dbCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, options: { from: { type: "string" } }, allowPositionals: true, strict: true });
  const [verb, url] = positionals;
  if (verb !== "migrate-to" || !url || !/^postgres(ql)?:\/\//i.test(url)) {
    process.stderr.write(USAGE);
    return 3;
  }
  const from = values.from ?? loadConfig().dbPath;
  const sqlite = SqliteStore.open(from);
  let pg: PgStore | undefined;
  try {
    pg = await PgStore.open(url);
    const label = databaseLabel({ dbPath: from, postgresUrl: url });
    process.stdout.write(`copying ${from} into ${label}\n`);
    const copied = await copySqliteToPostgres(sqlite, pg, (t) => process.stdout.write(`  ${t.table}: ${t.rows} rows\n`));
    process.stdout.write(`done: ${copied.reduce((a, t) => a + t.rows, 0)} rows in ${copied.length} tables. Start deploy-guard with DEPLOY_GUARD_DB=${label}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`deploy-guard db migrate-to: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await sqlite.close();
    await pg?.close();
  }
}
