import type { Config } from "../config.ts";
import { PgStore } from "./pg-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

/** The store configuration names: PostgreSQL for DEPLOY_GUARD_DB=postgres://…, otherwise the SQLite file. Migrates. */
export async function openStore(config: Pick<Config, "dbPath" | "dbSync" | "postgresUrl" | "dbPoolSize" | "dbPrepare">): Promise<Store> {
  if (config.postgresUrl) return PgStore.open(config.postgresUrl, { max: config.dbPoolSize, prepare: config.dbPrepare });
  return SqliteStore.open(config.dbPath, config.dbSync);
}
