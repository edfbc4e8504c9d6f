import { databaseLabel, loadConfig } from "../config.ts";
import { PgStore } from "../store/pg-store.ts";
import { copySqliteToPostgres } from "../store/sqlite-to-postgres.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { command, parseCommandLine, processIo, usageError } from "./cli-parser.ts";

/** `deploy-guard db migrate-to postgres://…`: moves a SQLite file's whole history into PostgreSQL (docs/scaling.md). */
export async function dbCommand(args: string[]): Promise<number> {
  const root = command("db", "Database maintenance.");
  const cmd = root.command("migrate-to").description("Copy a SQLite file's whole history into an empty PostgreSQL database (docs/scaling.md).")
    .argument("<url>", "postgres://user:pass@host:5432/db")
    .option("--from <path>", "the SQLite file (default DEPLOY_GUARD_DB)");
  const parsed = parseCommandLine(root, args, processIo);
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as { from?: string };
  const url = parsed.operands[0]!;
  if (!/^postgres(ql)?:\/\//i.test(url)) return usageError(cmd, processIo, `'${url.replace(/:[^:@/]*@/, ":…@")}' is not a postgres:// URL.`);
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
