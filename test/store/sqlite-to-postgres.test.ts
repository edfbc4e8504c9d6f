import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PgStore } from "../../src/store/pg-store.ts";
import { auditEvents, releases, requestRollups } from "../../src/store/schema/index.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { copySqliteToPostgres } from "../../src/store/sqlite-to-postgres.ts";
import { encodeHistogram } from "../../src/telemetry/latency-histogram.ts";
import { createMigratedDatabase, dbUrl, dropDatabase, PG_SKIP_REASON } from "../support/postgres.ts";

describe.skipIf(PG_SKIP_REASON !== undefined)("deploy-guard db migrate-to: a SQLite file's history into PostgreSQL", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  async function stores() {
    const sqlite = SqliteStore.open(join(mkdtempSync(join(tmpdir(), "dg-migrate-")), "dg.db"));
    const name = await createMigratedDatabase();
    const target = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 2 }));
    cleanup.push(() => sqlite.close(), async () => target.close(), () => dropDatabase(name));
    return { sqlite, target };
  }

  it("copies every row with its JSON and binary values, and auto-numbered ids continue after the largest", async () => {
    const { sqlite, target } = await stores();
    const hist = encodeHistogram(new Map([[10, 3], [200, 9]]));
    await sqlite.db.insert(releases).values(Array.from({ length: 2_500 }, (_, i) => ({
      id: `r${i}`, service: "shop", environment: "prod", version: `1.${i}`, status: "pass" as const, createdAt: i, updatedAt: i, verdict: { status: "pass", n: i },
    })));
    await sqlite.db.insert(requestRollups).values({ service: "shop", environment: "prod", minute: 60_000, version: "", host: "", route: "", requests: 5, errors: 1, latencyCount: 5, latencySum: 50, latencyHist: hist });
    const audit = (message: string) => ({ at: 1, kind: "decision" as const, releaseId: "r1", service: "shop", environment: "prod", version: "1.1", actor: "ops", message, data: { why: message } });
    await sqlite.db.insert(auditEvents).values([audit("first"), audit("second")]);

    const copied = await copySqliteToPostgres(sqlite, target);
    expect(copied.find((t) => t.table === "releases")!.rows).toBe(2_500);
    expect(copied.find((t) => t.table === "audit_events")!.rows).toBe(2);
    const [r] = await target.db.select().from(releases).orderBy(asc(releases.createdAt)).limit(1).offset(2_499);
    expect(r).toMatchObject({ id: "r2499", verdict: { status: "pass", n: 2499 } });
    const [rollup] = await target.db.select().from(requestRollups);
    expect(Buffer.compare(rollup!.latencyHist, hist)).toBe(0);
    const [next] = await target.db.insert(auditEvents).values(audit("third")).returning({ id: auditEvents.id });
    expect(next!.id).toBe(3);
  });

  it("refuses a PostgreSQL database that already holds data, and leaves it as it was", async () => {
    const { sqlite, target } = await stores();
    await sqlite.db.insert(releases).values({ id: "a", service: "s", environment: "e", version: "1", status: "pass", createdAt: 1, updatedAt: 1 });
    await target.db.insert(releases).values({ id: "b", service: "s", environment: "e", version: "2", status: "pass", createdAt: 1, updatedAt: 1 });
    await expect(copySqliteToPostgres(sqlite, target)).rejects.toThrow(/already holds data \(releases\)/);
    expect((await target.db.select().from(releases)).map((r) => r.id)).toEqual(["b"]);
  });
});
