import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maintainPartitions } from "../../src/store/pg-partitions.ts";
import { PgStore } from "../../src/store/pg-store.ts";
import { createMigratedDatabase, dbUrl, dropDatabase, PG_SKIP_REASON } from "../support/postgres.ts";

const DAY = 24 * 3600_000;
const NOW = Date.parse("2026-12-05T09:30:00Z");

describe.skipIf(PG_SKIP_REASON !== undefined)("raw telemetry partitioned by day on PostgreSQL", () => {
  let name: string;
  let store: PgStore;
  beforeAll(async () => {
    name = await createMigratedDatabase();
    store = new PgStore(new pg.Pool({ connectionString: dbUrl(name), max: 2 }));
  });
  afterAll(async () => {
    await store?.close();
    dropDatabase(name);
  });

  const insert = (ts: number) =>
    store.statement("INSERT INTO log_events (ts, service, environment, host, version, level, status, latency_ms, route, message, is_error) VALUES (?, 'shop', 'prod', NULL, NULL, NULL, 200, 12, '/', NULL, 0)").run(ts);
  const where = async () => (await store.statement<{ p: string; n: number }>("SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM log_events GROUP BY 1 ORDER BY 1").all());

  it("puts each day's rows in that day's partition, a day not created yet in DEFAULT, and never refuses a row", async () => {
    await maintainPartitions(store, NOW);
    await insert(NOW);
    await insert(NOW + DAY + 5);
    await insert(NOW - 10 * DAY);
    expect(await where()).toEqual([
      { p: "log_events_default", n: 1 },
      { p: "log_events_p20261205", n: 1 },
      { p: "log_events_p20261206", n: 1 },
    ]);
  });

  it("drops the days wholly older than the retention cut-off, and keeps the day it falls in", async () => {
    await maintainPartitions(store, NOW + 3 * DAY);
    await insert(NOW + 3 * DAY);
    const dropped = await maintainPartitions(store, NOW + 3 * DAY, NOW + DAY + 12 * 3600_000);
    expect(dropped).toBe(2); // 2026-12-05 of log_events and of metric_samples
    const left = (await where()).map((r) => r.p);
    expect(left).not.toContain("log_events_p20261205");
    expect(left).toContain("log_events_p20261206");
    expect(left).toContain("log_events_p20261208");
  });
});
