/**
 * npm run bench — throughput of the foundation, printed as a table:
 *  - raw better-sqlite3 insert rate into the log_events table (the ceiling),
 *  - telemetry records ingested per second over HTTP (NDJSON, 10,000 a request, into the real server process),
 *  - deploy lifecycles per second over HTTP (started + finished + verdict),
 *  - the time to read one release window from the roll-ups.
 * Targets (issue 2): ≥ 890 lifecycles/s (3.2 M deploys in a 2-hour window) and ingest ≥ 30 % of the raw insert rate.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type SyncMode } from "../src/store/db.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { WindowReader } from "../src/telemetry/window-reader.ts";
import { startServer } from "../test/support/server-process.ts";
import { BenchClient, pool, replayCoverage } from "./http-client.ts";
import { generateTraffic } from "../test/support/traffic.ts";

const TOKEN = "bench-admin-token-0123456789";
const MIN = 60_000;
const sync = (process.env.BENCH_DB_SYNC ?? "full") as SyncMode;
const rows: [string, string, string][] = [];
const report = (what: string, value: string, note = "") => {
  rows.push([what, value, note]);
  console.error(`  ${what}: ${value} ${note}`);
};
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function rawInsertRate(dir: string, total: number): number {
  const db = openDb(join(dir, "raw.db"), sync);
  const stmt = db.$client.prepare("INSERT INTO log_events (ts, service, environment, host, version, level, status, latency_ms, route, message, is_error) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  const events = generateTraffic({ service: "raw", start: Date.now() - 3 * 3600_000, minutes: total / 1000, perMinute: 1000, errorRate: 0.01, latencyMs: 80, seed: 1 });
  const insert = db.$client.transaction((batch: typeof events) => {
    for (const e of batch) stmt.run(e.timestamp, e.service, e.environment, e.host, null, null, e.status, e.latency_ms, e.route, null, e.status >= 500 ? 1 : 0);
  });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 10_000) insert(events.slice(i, i + 10_000));
  const rate = total / ((performance.now() - t0) / 1000);
  db.$client.close();
  return rate;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "dg-bench-"));
  console.error(`deploy-guard benchmark (SQLite synchronous=${sync}, Node ${process.version})`);
  const raw = rawInsertRate(dir, 200_000);
  report("raw better-sqlite3 insert, log_events", `${fmt(raw)} rows/s`, "(10,000 rows a transaction, same table and index)");

  const dbPath = join(dir, "guard.db");
  const server = await startServer({ DEPLOY_GUARD_DB: dbPath, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_LOG_LEVEL: "warn", DEPLOY_GUARD_DB_SYNC: sync, DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1", DEPLOY_GUARD_INGEST_GRACE_SECONDS: "0" }, (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean));
  const client = new BenchClient(server.url, { authorization: `Bearer ${TOKEN}` });
  try {
    // Telemetry over HTTP: 400,000 records as 40 NDJSON requests of 10,000, two at a time.
    const now = Date.now();
    const bodies: string[] = [];
    for (let i = 0; i < 40; i++) {
      const events = generateTraffic({ service: `svc-${i % 20}`, start: now - 100 * MIN + (i % 2) * 50 * MIN, minutes: 10, perMinute: 1000, errorRate: 0.01, latencyMs: 80, hosts: ["a", "b", "c", "d"], seed: i });
      bodies.push(events.map((e) => JSON.stringify(e)).join("\n"));
    }
    const t0 = performance.now();
    await pool(bodies, 2, async (body) => {
      const res = await client.send("POST", "/api/v1/logs", body, "application/x-ndjson");
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.body}`);
    });
    const ingest = 400_000 / ((performance.now() - t0) / 1000);
    report("telemetry ingest over HTTP", `${fmt(ingest)} records/s`, `(${((100 * ingest) / raw).toFixed(0)} % of raw; target ≥ 30 %)`);

    const coverage = replayCoverage(now);
    for (let i = 0; i < coverage.length; i += 10_000) {
      const res = await client.send("POST", "/api/v1/logs", JSON.stringify({ events: coverage.slice(i, i + 10_000) }));
      if (res.status !== 202) throw new Error(`coverage answered ${res.status}: ${res.body}`);
    }

    // Deploy lifecycles over HTTP: started + finished + verdict, eight pipelines at a time.
    const N = Number(process.env.BENCH_LIFECYCLES ?? 3000);
    // Replayed deploys whose longest window (4 h) has passed: each is judged, look by look, at its first evaluation.
    const deployAt = now - 250 * MIN;
    const ids = Array.from({ length: N }, (_, i) => i);
    const t1 = performance.now();
    let failed = 0;
    await pool(ids, 8, async (i) => {
      const base = { service: `svc-${i % 20}`, version: `v${i}`, deploy_id: `d-${i}` };
      const post = (body: unknown) => client.send("POST", "/api/v1/deploys", JSON.stringify(body));
      const s = await post({ ...base, phase: "started", timestamp: deployAt });
      const f = await post({ ...base, phase: "finished", timestamp: deployAt + MIN });
      if (s.status !== 202 || f.status !== 202) throw new Error(`deploy answered ${s.status}/${f.status}: ${f.body}`);
      const { release_id } = JSON.parse(f.body) as { release_id: string };
      const v = await client.send("POST", `/api/v1/releases/${release_id}/evaluate`);
      const verdict = JSON.parse(v.body) as { final?: boolean };
      if (!verdict.final) failed++;
    });
    const lifecycles = N / ((performance.now() - t1) / 1000);
    report("deploy lifecycles, verdict by POST /evaluate", `${fmt(lifecycles)} /s`, `(3 requests each, ${N} releases, ${failed} without a final verdict; target ≥ 890/s)`);

    // As in production: the pipeline posts started + finished, the scheduler (every second) judges what is due.
    const t2 = performance.now();
    await pool(ids, 8, async (i) => {
      const base = { service: `svc-${i % 20}`, version: `s${i}`, deploy_id: `ds-${i}` };
      const s = await client.send("POST", "/api/v1/deploys", JSON.stringify({ ...base, phase: "started", timestamp: deployAt }));
      const f = await client.send("POST", "/api/v1/deploys", JSON.stringify({ ...base, phase: "finished", timestamp: deployAt + MIN }));
      if (s.status !== 202 || f.status !== 202) throw new Error(`deploy answered ${s.status}/${f.status}: ${f.body}`);
    });
    const posted = performance.now();
    const allJudged = async () => {
      for (;;) {
        const open = JSON.parse((await client.send("GET", "/api/v1/releases?status=analyzing&limit=1")).body) as { releases: unknown[] };
        if (open.releases.length === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await allJudged();
    const scheduled = N / ((performance.now() - t2) / 1000);
    report("deploy lifecycles, verdict by the scheduler", `${fmt(scheduled)} /s`, `(2 requests each; events posted in ${((posted - t2) / 1000).toFixed(1)} s, all judged ${((performance.now() - posted) / 1000).toFixed(1)} s later)`);

    // An orchestrator posting its events in bulk: 50 releases (started + finished) a request, verdict by the scheduler.
    const t3 = performance.now();
    const groups = Array.from({ length: N / 50 }, (_, g) => g);
    await pool(groups, 4, async (g) => {
      const events = Array.from({ length: 50 }, (_, k) => {
        const i = g * 50 + k;
        const base = { service: `svc-${i % 20}`, version: `b${i}`, deploy_id: `db-${i}` };
        return [{ ...base, phase: "started", timestamp: deployAt }, { ...base, phase: "finished", timestamp: deployAt + MIN }];
      }).flat();
      const res = await client.send("POST", "/api/v1/deploys/batch", JSON.stringify({ events }));
      if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${res.body}`);
    });
    const bulkPosted = performance.now();
    await allJudged();
    report("deploy lifecycles, events in bulk, verdict by the scheduler", `${fmt(N / ((performance.now() - t3) / 1000))} /s`, `(100 events a request; posted in ${((bulkPosted - t3) / 1000).toFixed(1)} s, all judged ${((performance.now() - bulkPosted) / 1000).toFixed(1)} s later)`);
  } finally {
    client.close();
    await server.stop();
  }

  const store = SqliteStore.open(dbPath, sync);
  const reader = new WindowReader(store);
  const now = Date.now();
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await reader.requests({ service: `svc-${i % 20}`, environment: "production", start: now - 100 * MIN, end: now - 40 * MIN });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  report("read one 60-minute window from roll-ups", `p50 ${times[100]!.toFixed(2)} ms, p99 ${times[198]!.toFixed(2)} ms`, "(4 hosts × 2 routes, 1,000 requests/min)");
  await store.close();

  console.log("\n| measure | result | note |\n|---|---|---|");
  for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
}

await main();
