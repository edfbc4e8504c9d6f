import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pgTables from "../../src/store/pg-schema.ts";
import { migratePostgres, PgStore, positional } from "../../src/store/pg-store.ts";
import { releases, requestRollups } from "../../src/store/schema/index.ts";
import { first } from "../../src/store/store.ts";
import { decodeHistogramInto, encodeHistogram, mergeHistograms, type Histogram } from "../../src/telemetry/latency-histogram.ts";
import { createDatabase, createMigratedDatabase, dbUrl, dropDatabase, PG_SKIP_REASON } from "../support/postgres.ts";
import { seededSampler } from "../support/seeded-sampler.ts";

describe("positional placeholders", () => {
  it("numbers each ? outside quotes and leaves quoted ones alone", () => {
    expect(positional(`SELECT "a?" FROM t WHERE x = ? AND y = '?' AND z IN (?, ?)`)).toBe(`SELECT "a?" FROM t WHERE x = $1 AND y = '?' AND z IN ($2, $3)`);
  });
});

describe.skipIf(PG_SKIP_REASON !== undefined)("PgStore on PostgreSQL", () => {
  let name: string;
  let store: PgStore;
  beforeAll(async () => {
    name = await createMigratedDatabase();
    store = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 4 }));
  });
  afterAll(async () => {
    await store?.close();
    dropDatabase(name);
  });

  const release = (id: string, version = id) => ({ id, service: "shop", environment: "prod", version, status: "pending" as const, createdAt: 1, updatedAt: 1 });

  it("runs the services' drizzle queries, written against the SQLite tables, with JSON and binary columns intact", async () => {
    await store.db.insert(releases).values({ ...release("r1"), verdict: { status: "pass", checks: [1, 2] }, score: 97.5, deployStartedAt: 1_796_000_000_000 });
    const row = await first(store.db.select().from(releases).where(eq(releases.id, "r1")).limit(1));
    expect(row).toMatchObject({ id: "r1", verdict: { status: "pass", checks: [1, 2] }, score: 97.5, deployStartedAt: 1_796_000_000_000, consecutiveFailures: 0 });
    const hist = encodeHistogram(new Map([[3, 5], [300, 70_000]]));
    await store.db.insert(requestRollups).values({ service: "shop", environment: "prod", minute: 60_000, version: "", host: "", route: "", requests: 1, errors: 0, latencyCount: 1, latencySum: 2, latencyHist: hist });
    const [rollup] = await store.db.select().from(requestRollups);
    expect(Buffer.compare(rollup!.latencyHist, hist)).toBe(0);
  });

  it("commits a write whole, rolls a failing one back whole, and a failing nested write back only itself", async () => {
    await expect(store.write(async () => {
      await store.db.insert(releases).values(release("r2"));
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await first(store.db.select().from(releases).where(eq(releases.id, "r2")).limit(1))).toBeUndefined();
    await store.write(async () => {
      await store.db.insert(releases).values(release("r3"));
      await store.write(async () => {
        await store.db.insert(releases).values(release("r4"));
        throw new Error("inner");
      }).catch(() => undefined);
      expect(store.inWrite()).toBe(true);
    });
    const ids = (await store.db.select({ id: releases.id }).from(releases)).map((r) => r.id).sort();
    expect(ids).toContain("r3");
    expect(ids).not.toContain("r4");
  });

  it("runs a kick only after its write committed, outside every write, and never for a write or savepoint rolled back", async () => {
    const ran: string[] = [];
    const seen = async () => (await store.statement<{ n: number }>("SELECT count(*)::int AS n FROM releases WHERE id = 'kick'").get())!.n;
    await store.write(async () => {
      await store.db.insert(releases).values(release("kick"));
      store.afterCommit(() => void seen().then((n) => ran.push(`committed:${store.inWrite() ? "inside" : "outside"}:visible=${n}`)));
      await store.write(async () => {
        store.afterCommit(() => ran.push("nested-rolled-back"));
        throw new Error("inner");
      }).catch(() => undefined);
    });
    await store.write(async () => {
      store.afterCommit(() => ran.push("rolled-back"));
      throw new Error("outer");
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toEqual(["committed:outside:visible=1"]);
  });

  it("runs a write again when it loses a race for a unique key, so read-then-insert code stays correct", async () => {
    let runs = 0;
    const findOrCreate = (id: string) =>
      store.write(async () => {
        runs++;
        const found = await store.statement<{ id: string }>("SELECT id FROM releases WHERE service = ? AND environment = ? AND version = ?").get("shop", "prod", "race");
        if (found) return found.id;
        await new Promise((r) => setTimeout(r, 30)); // both look before either inserts
        await store.statement("INSERT INTO releases (id, service, environment, version, status, consecutive_failures, created_at, updated_at) VALUES (?, 'shop', 'prod', 'race', 'pending', 0, 1, 1)").run(id);
        return id;
      });
    const [a, b] = await Promise.all([findOrCreate("race-a"), findOrCreate("race-b")]);
    expect(a).toBe(b);
    expect(runs).toBe(3);
  });

  it("merges latency histograms in SQL exactly as the service does", async () => {
    const rnd = seededSampler(7).uniform;
    for (let k = 0; k < 20; k++) {
      const h = (): Histogram => new Map(Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => [Math.floor(rnd() * 512), 1 + Math.floor(rnd() * 2 ** 20)]));
      const a = encodeHistogram(h());
      const b = encodeHistogram(h());
      const row = await store.statement<{ m: Buffer }>("SELECT merge_hist(?::bytea, ?::bytea) AS m").get(a, b);
      const sorted = (buf: Uint8Array) => [...decodeHistogramInto(buf, new Map())].sort((x, y) => x[0] - y[0]);
      expect(sorted(row!.m)).toEqual(sorted(mergeHistograms(a, b)));
    }
  });
});

describe.skipIf(PG_SKIP_REASON !== undefined)("prepared statements on PostgreSQL", () => {
  let name: string;
  beforeAll(async () => {
    name = await createMigratedDatabase();
  });
  afterAll(() => dropDatabase(name));

  /** The statements this connection has prepared, read on the connection a write holds. */
  const preparedOn = (store: PgStore) => store.write(async () => (await store.statement<{ statement: string }>("SELECT statement FROM pg_prepared_statements").all()).map((r) => r.statement));

  it("prepares each statement once per connection and runs it by name after, the same rows either way", async () => {
    const store = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 1 }));
    try {
      const count = store.statement<{ n: number }>("SELECT count(*)::int AS n FROM releases WHERE service = ?");
      expect(await store.write(async () => [await count.get("shop"), await count.get("cart")])).toEqual([{ n: 0 }, { n: 0 }]);
      expect(await preparedOn(store)).toContain("SELECT count(*)::int AS n FROM releases WHERE service = $1");
    } finally {
      await store.close();
    }
  });

  it("prepares nothing when switched off (PgBouncer before 1.21 in transaction mode), and stops naming new SQL past its limit", async () => {
    const off = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 1 }), false);
    try {
      await off.statement("SELECT count(*) FROM releases").get();
      expect(await preparedOn(off)).toEqual([]);
    } finally {
      await off.close();
    }
    const on = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 1 }));
    try {
      // SQL built per call (an IN list per length): past 400 distinct texts the rest run unnamed, and still run.
      for (let k = 1; k <= 450; k++) expect(await on.statement<{ n: number }>(`SELECT ${k}::int AS n`).get()).toEqual({ n: k });
      const names = await preparedOn(on);
      expect(names.length).toBe(400);
      expect(names).not.toContain("SELECT 450::int AS n");
    } finally {
      await on.close();
    }
  });
});

describe.skipIf(PG_SKIP_REASON !== undefined)("migrations on PostgreSQL", () => {
  it("three replicas starting together on an empty database migrate it once", async () => {
    const name = createDatabase();
    const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: dbUrl(name), max: 1 }));
    try {
      await Promise.all(pools.map((p) => migratePostgres(p)));
      const applied = await pools[0]!.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      expect(applied.rows[0].n).toBeGreaterThanOrEqual(2);
      const tables = await pools[0]!.query("SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition");
      expect(tables.rows[0].n).toBe(Object.values(pgTables).filter((v) => typeof v === "object").length);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      dropDatabase(name);
    }
  });
});
