/**
 * npm run bench:scale — deploy-guard on PostgreSQL with 1 and 3 replicas beside SQLite, in one run (issue 14):
 *  - the raw PostgreSQL insert ceiling (COPY) beside HTTP ingest on 1 and 3 replicas (target ≥ 30 % of the ceiling);
 *  - deploy lifecycles (started + finished, verdict by the scheduler) per second (target ≥ 890/s on 3 replicas);
 *  - a compressed replay of the bank's day, scaled down to what 2 cores can run (BENCH_REPLAY lifecycles, default
 *    6,000; telemetry for 1,000 services), through 3 replicas: time, p99 gate latency, database size per million deploys;
 *  - the same with one replica SIGKILLed in the middle: lifecycles lost, final verdicts and alerts duplicated.
 * PostgreSQL: BENCH_POSTGRES (a role that may create databases), else Debian's cluster started here.
 */
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startReceiver, type Receiver } from "../test/notify/local-receiver.ts";
import { generateTraffic } from "../test/support/traffic.ts";
import { ADMIN_URL, copyCeiling, databaseBytes, databaseUrl, dropDatabase, ensurePostgres, freshDatabase } from "./scale/bench-postgres.ts";
import { pool, replayCoverage } from "./http-client.ts";
import { CpuMeter, type CpuSplit } from "./scale/cpu-meter.ts";
import { ReplicaSet } from "./scale/replica-set.ts";

const MIN = 60_000;
const LIFECYCLES = Number(process.env.BENCH_LIFECYCLES ?? 3000);
const REPLAY = Number(process.env.BENCH_REPLAY ?? 6_000);
const rows: [string, string, string][] = [];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const report = (what: string, value: string, note = "") => {
  rows.push([what, value, note]);
  console.error(`  ${what}: ${value} ${note}`);
};
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.99) - 1)] ?? NaN;
const BASE_ENV = { DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1", DEPLOY_GUARD_INGEST_GRACE_SECONDS: "0", DEPLOY_GUARD_INGEST_MAX_DELAY_SECONDS: "86400", DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: "1000", DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: "1" };

async function ingest(set: ReplicaSet, replicas: number): Promise<number> {
  const now = Date.now();
  const bodies = Array.from({ length: 40 }, (_, i) =>
    generateTraffic({ service: `svc-${i % 20}`, start: now - 100 * MIN + (i % 2) * 50 * MIN, minutes: 10, perMinute: 1000, errorRate: 0.01, latencyMs: 80, hosts: ["a", "b", "c", "d"], seed: i })
      .map((e) => JSON.stringify(e)).join("\n"));
  const t0 = performance.now();
  await pool(bodies, 2 * replicas, async (body) => {
    const res = await set.send("POST", "/api/v1/logs", body, "application/x-ndjson");
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${res.body}`);
  });
  return 400_000 / ((performance.now() - t0) / 1000);
}

async function coverage(set: ReplicaSet): Promise<void> {
  const events = replayCoverage(Date.now());
  for (let i = 0; i < events.length; i += 10_000) {
    const res = await set.send("POST", "/api/v1/logs", JSON.stringify({ events: events.slice(i, i + 10_000) }));
    if (res.status !== 202) throw new Error(`coverage answered ${res.status}: ${res.body}`);
  }
}

/** Started + finished for each release in bulk (50 releases a request), then waits until the scheduler judged all. */
async function lifecycles(set: ReplicaSet, n: number, tag: string, replicas: number, opts: { services?: number; failedEvery?: number; during?: (posted: number) => Promise<void> } = {}): Promise<{ rate: number; postSeconds: number }> {
  const deployAt = Date.now() - 250 * MIN;
  const t0 = performance.now();
  let posted = 0;
  await pool(Array.from({ length: Math.ceil(n / 50) }, (_, g) => g), 4 * replicas, async (g) => {
    const events = Array.from({ length: Math.min(50, n - g * 50) }, (_, k) => {
      const i = g * 50 + k;
      // Services with telemetry stored for their windows: a replayed deploy of a service that sent none waits for it.
      const base = { service: `svc-${i % (opts.services ?? 20)}`, version: `${tag}${i}`, deploy_id: `${tag}-${i}` };
      const failed = opts.failedEvery && i % opts.failedEvery === 0;
      return [{ ...base, event_id: `${tag}-${i}-s`, phase: "started", timestamp: deployAt }, { ...base, event_id: `${tag}-${i}-f`, phase: failed ? "failed" : "finished", timestamp: deployAt + MIN }];
    }).flat();
    const res = await set.send("POST", "/api/v1/deploys/batch", JSON.stringify({ events }));
    if (res.status !== 202 && res.status !== 207) throw new Error(`batch answered ${res.status}: ${res.body.slice(0, 300)}`);
    posted += events.length / 2;
    await opts.during?.(posted);
  });
  const postSeconds = (performance.now() - t0) / 1000;
  for (;;) {
    const open = JSON.parse((await set.send("GET", "/api/v1/releases?status=analyzing&limit=1")).body) as { releases: unknown[] };
    if (open.releases.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { rate: n / ((performance.now() - t0) / 1000), postSeconds };
}

let ceiling = 0;

/** Lifecycles with the CPU they cost, split by process: what real machines would need follows from the CPU, not the wall. */
async function measuredLifecycles(set: ReplicaSet, n: number, tag: string, replicas: number, database?: string): Promise<{ rate: number; cpu: CpuSplit }> {
  const meter = await CpuMeter.start(set.servers.map((s) => s.child.pid!), database && ADMIN_URL, database);
  const { rate } = await lifecycles(set, n, tag, replicas);
  return { rate, cpu: await meter.stop() };
}

function reportCpu(label: string, n: number, cpu: CpuSplit): void {
  const per = (ms: number) => (ms / n).toFixed(2);
  const total = (cpu.replicasMs + cpu.postgresMs + cpu.clientMs) / n;
  report(`${label}: CPU per lifecycle, replicas / PostgreSQL / bench client`, `${per(cpu.replicasMs)} / ${per(cpu.postgresMs)} / ${per(cpu.clientMs)} ms`,
    `(${cpu.busyCores.toFixed(2)} of ${cpus().length} cores busy; server side ${((cpu.replicasMs + cpu.postgresMs) / n).toFixed(2)} ms, so ${fmt(1000 * n / (cpu.replicasMs + cpu.postgresMs))} /s per core; 890/s needs ${(0.89 * cpu.replicasMs / n).toFixed(1)} replica + ${(0.89 * cpu.postgresMs / n).toFixed(1)} PostgreSQL cores; all ${total.toFixed(2)} ms)`);
}

async function pendingAlerts(name: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl(name) });
  await c.connect();
  try {
    return Number((await c.query("SELECT count(*) AS n FROM notifications WHERE status = 'pending'")).rows[0].n);
  } finally {
    await c.end();
  }
}

/** Counts final verdicts per release and alert deliveries per release straight from the database and the receiver. */
async function audit(name: string, hook: Receiver): Promise<{ lost: number; twiceFinal: number; alerts: number; twiceAlerted: number }> {
  const c = new pg.Client({ connectionString: databaseUrl(name) });
  await c.connect();
  try {
    const lost = Number((await c.query("SELECT count(*) AS n FROM releases WHERE status IN ('pending', 'analyzing')")).rows[0].n);
    const twiceFinal = Number((await c.query("SELECT count(*) AS n FROM (SELECT release_id FROM evaluations WHERE kind = 'final' GROUP BY release_id HAVING count(*) > 1) t")).rows[0].n);
    const keys = new Map<string, Set<string>>();
    for (const r of hook.got) {
      const id = r.json?.release_id as string | undefined;
      if (!id || r.json?.status !== "fail") continue;
      keys.set(id, (keys.get(id) ?? new Set()).add(String(r.headers["idempotency-key"] ?? r.body)));
    }
    return { lost, twiceFinal, alerts: keys.size, twiceAlerted: [...keys.values()].filter((k) => k.size > 1).length };
  } finally {
    await c.end();
  }
}

async function replay(kill: boolean): Promise<void> {
  const name = await freshDatabase(kill ? "kill" : "replay");
  const hook = await startReceiver();
  const set = await ReplicaSet.start(3, { ...BASE_ENV, DEPLOY_GUARD_DB: databaseUrl(name), DEPLOY_GUARD_WEBHOOK_URL: hook.url, DEPLOY_GUARD_WEBHOOK_SECRET: "bench-webhook-secret-0123456789" });
  const label = kill ? "replay, one of 3 replicas SIGKILLed midway" : "replay through 3 replicas";
  try {
    // Telemetry for 1,000 services, one request a minute each from an hour before the deploys to now (300,000 records).
    const now = Date.now();
    const services = Array.from({ length: 1000 }, (_, s) => s);
    const bodies: string[] = [];
    for (let s = 0; s < 1000; s += 33) {
      bodies.push(services.slice(s, s + 33).flatMap((i) => generateTraffic({ service: `svc-${i}`, start: now - 305 * MIN, minutes: 300, perMinute: 1, errorRate: 0.01, latencyMs: 80, seed: i })).map((e) => JSON.stringify(e)).join("\n"));
    }
    await pool(bodies, 4, async (b) => void (await set.send("POST", "/api/v1/logs", b, "application/x-ndjson")));
    const before = await databaseBytes(name);
    const n = kill ? Math.round(REPLAY / 2) : REPLAY;
    const gate: number[] = [];
    let done = false;
    const poller = (async () => {
      for (let k = 0; !done; k++) {
        const t = performance.now();
        await set.send("GET", `/api/v1/gates/verdict?service=svc-${k % 1000}&version=r${k % Math.max(1, n)}`).catch(() => undefined);
        gate.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let killed = false;
    const { rate, postSeconds } = await lifecycles(set, n, "r", 3, {
      services: 1000,
      failedEvery: 10,
      during: async (posted) => {
        if (kill && !killed && posted >= n / 2) {
          killed = true;
          await set.kill(2);
        }
      },
    });
    done = true;
    await poller;
    // Alerts still pending: the last fails', and those a killed replica had claimed (they wait out its 30 s lease).
    const drainStarted = performance.now();
    while ((await pendingAlerts(name)) > 0 && performance.now() - drainStarted < 120_000) await new Promise((r) => setTimeout(r, 1000));
    const bytes = (await databaseBytes(name)) - before;
    const a = await audit(name, hook);
    report(`${label}: ${fmt(n)} lifecycles (1 in 10 failed by the deploy tool)`, `${fmt(rate)} /s`, `(posted in ${postSeconds.toFixed(1)} s; at 890/s the bank's 3.2 M take ${(3.2e6 / 890 / 3600).toFixed(1)} h, at this rate ${(3.2e6 / rate / 3600).toFixed(1)} h)`);
    report(`${label}: p99 gate latency while it runs`, `${p99(gate).toFixed(1)} ms`, `(${gate.length} polls of GET /api/v1/gates/verdict)`);
    if (!kill) report(`${label}: database growth per million deploys`, `${(bytes / n / 1.048576).toFixed(0)} MB`, "(releases, deploys, events, evaluations, alerts; telemetry excluded)");
    report(`${label}: lifecycles lost / releases with 2+ final verdicts`, `${a.lost} / ${a.twiceFinal}`, "(target 0 / 0)");
    report(`${label}: fail alerts delivered / releases alerted twice`, `${a.alerts} of ${Math.ceil(n / 10)} / ${a.twiceAlerted}`, "(target all / 0)");
  } finally {
    await set.stop();
    await hook.close();
    await dropDatabase(name);
  }
}

async function main() {
  await ensurePostgres();
  console.error(`deploy-guard scale benchmark (Node ${process.version}; 3 replicas share this machine's cores with PostgreSQL and the client)`);
  ceiling = await copyCeiling(400_000);
  report("raw PostgreSQL COPY into log_events", `${fmt(ceiling)} rows/s`, "(10,000 rows a transaction, same table and index)");
  for (const replicas of [1, 3]) {
    const name = await freshDatabase(`t${replicas}`);
    const set = await ReplicaSet.start(replicas, { ...BASE_ENV, DEPLOY_GUARD_DB: databaseUrl(name) });
    try {
      const rate = await ingest(set, replicas);
      report(`PostgreSQL, ${replicas} replica${replicas > 1 ? "s" : ""}: telemetry ingest over HTTP`, `${fmt(rate)} records/s`, `(${((100 * rate) / ceiling).toFixed(0)} % of COPY; target ≥ 30 %)`);
      await coverage(set);
      const { rate: lc, cpu } = await measuredLifecycles(set, LIFECYCLES, `t${replicas}`, replicas, name);
      const label = `PostgreSQL, ${replicas} replica${replicas > 1 ? "s" : ""}`;
      report(`${label}: deploy lifecycles, verdict by the scheduler`, `${fmt(lc)} /s`, `(${LIFECYCLES} releases${replicas === 3 ? "; target ≥ 890/s" : ""})`);
      reportCpu(label, LIFECYCLES, cpu);
    } finally {
      await set.stop();
      await dropDatabase(name);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "dg-scale-"));
  const sqlite = await ReplicaSet.start(1, { ...BASE_ENV, DEPLOY_GUARD_DB: join(dir, "guard.db") });
  try {
    report("SQLite, 1 process: telemetry ingest over HTTP", `${fmt(await ingest(sqlite, 1))} records/s`);
    await coverage(sqlite);
    const { rate, cpu } = await measuredLifecycles(sqlite, LIFECYCLES, "s", 1);
    report("SQLite, 1 process: deploy lifecycles, verdict by the scheduler", `${fmt(rate)} /s`, `(${LIFECYCLES} releases)`);
    reportCpu("SQLite, 1 process", LIFECYCLES, cpu);
  } finally {
    await sqlite.stop();
  }
  await replay(false);
  await replay(true);
  console.log("\n| measure | result | note |\n|---|---|---|");
  for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
}

await main();
