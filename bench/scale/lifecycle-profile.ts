/**
 * npm run bench:lifecycle — where a deploy lifecycle's time goes (issue 14). The real app and container in this
 * process on a temp SQLite file, with a fixed clock so every run judges the same data at the same instants: telemetry
 * for N services, M replayed lifecycles (started + finished, 50 releases a batch request), then the scheduler's run
 * (VerdictService.runAllDue) until every release is judged. Reports CPU and wall time per lifecycle, SQL statements per
 * lifecycle (each one a round trip on PostgreSQL) and a CPU profile of the lifecycle phase only.
 *
 * BENCH_LIFECYCLES (3000), BENCH_SERVICES (20), BENCH_PER_MINUTE (2), BENCH_HISTORY_MINUTES (70: the bench's replay
 * coverage; 4320 for three days of history), BENCH_BAD_EVERY (0: every k-th service's errors rise after the deploy),
 * BENCH_DB_SYNC (full), BENCH_PROFILE (1), BENCH_CPU_PROFILE (write the .cpuprofile there),
 * BENCH_VERDICTS_OUT (write every final verdict there), BENCH_VERDICTS_COMPARE (compare with such a file),
 * BENCH_STATEMENTS (15: how many of the statements run most to list),
 * BENCH_POSTGRES (a URL of a role that may create databases: run on a fresh PostgreSQL database instead of SQLite).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config.ts";
import { createContainer } from "../../src/container.ts";
import { openStore } from "../../src/store/open-store.ts";
import pg from "pg";
import { createApp } from "../../src/http/app.ts";
import type { Notifier } from "../../src/notify/notifier.ts";
import { generateTraffic, type LogRecord } from "../../test/support/traffic.ts";
import { printSummary, summarizeProfile, type CpuProfile } from "./cpu-profile-summary.ts";
import { installSqlCounter, type SqlCounts } from "./sql-counter.ts";
import { pgCpuBetween, pgCpuSnapshot, type PgCpuSnapshot } from "./pg-cpu.ts";

const MIN = 60_000;
const TOKEN = "bench-admin-token-0123456789";
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const M = env("BENCH_LIFECYCLES", 3000), SERVICES = env("BENCH_SERVICES", 20), PER_MINUTE = env("BENCH_PER_MINUTE", 2);
const HISTORY = env("BENCH_HISTORY_MINUTES", 70), BAD_EVERY = env("BENCH_BAD_EVERY", 0);
// A whole minute, fixed: the same data lands in the same minutes and hours on every run.
const T = Date.parse("2026-11-21T12:00:00Z");
const DEPLOY_AT = T - 250 * MIN;

/** Takes every alert: the outbox and the dispatcher do their real work, nothing leaves the process. */
const sink: Notifier = { channel: "webhook", send: async () => {} };

function telemetry(service: number): LogRecord[] {
  const name = `svc-${service}`, start = DEPLOY_AT - HISTORY * MIN;
  const bad = BAD_EVERY > 0 && service % BAD_EVERY === 0;
  const before = generateTraffic({ service: name, start, minutes: HISTORY + 1, perMinute: PER_MINUTE, errorRate: 0.01, latencyMs: 80, seed: 100 + service });
  const after = generateTraffic({ service: name, start: DEPLOY_AT + MIN, minutes: 247, perMinute: PER_MINUTE, errorRate: bad ? 0.2 : 0.01, latencyMs: 80, seed: 5000 + service });
  return [...before, ...after];
}

function perLifecycle(c: SqlCounts, n: number): string {
  return `${(c.statements / n).toFixed(1)} statements (${(c.inTransaction / n).toFixed(1)} inside transactions) + ${(c.control / n).toFixed(1)} transaction controls per lifecycle`;
}

async function main() {
  const counter = installSqlCounter();
  const dir = mkdtempSync(join(tmpdir(), "dg-lifecycle-"));
  cpSync(new URL("../../rules", import.meta.url).pathname, join(dir, "rules"), { recursive: true });
  const admin = process.env.BENCH_POSTGRES, pgName = `dg_lifecycle_${process.pid}`;
  const pgUrl = admin && Object.assign(new URL(admin), { pathname: `/${pgName}` }).toString();
  if (admin) await adminQuery(admin, `CREATE DATABASE ${pgName}`);
  const config = loadConfig({ DEPLOY_GUARD_DB: pgUrl || join(dir, "guard.db"), DEPLOY_GUARD_RULES: join(dir, "rules"), DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_LOG_LEVEL: "silent",
    DEPLOY_GUARD_DB_SYNC: process.env.BENCH_DB_SYNC ?? "full", DEPLOY_GUARD_INGEST_GRACE_SECONDS: "0", DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: "1000", DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: "1" });
  const clock = { now: T };
  const container = createContainer(config, pino({ level: "silent" }), { now: () => clock.now, notifiers: [sink], store: await openStore(config) });
  const app = createApp(container);
  const send = async (path: string, body: unknown) => {
    const res = await app.request(path, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (res.status !== 202 && res.status !== 207) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  };
  const analyzing = container.store.statement<{ n: number }>("SELECT count(*) AS n FROM releases WHERE status IN ('pending', 'analyzing')");
  try {
    console.error(`lifecycle profile on ${admin ? "PostgreSQL" : "SQLite"}: ${M} lifecycles over ${SERVICES} services, ${PER_MINUTE} requests/min, ${HISTORY} min of history before the deploy${BAD_EVERY ? `, errors up on every ${BAD_EVERY}th service` : ""}`);
    for (let s = 0; s < SERVICES; s++) {
      const records = telemetry(s);
      for (let i = 0; i < records.length; i += 10_000) await send("/api/v1/logs", { events: records.slice(i, i + 10_000) });
    }

    const session = new Session();
    const profiling = process.env.BENCH_PROFILE !== "0";
    if (profiling) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
    }
    counter.reset();
    const server = async (): Promise<PgCpuSnapshot | undefined> => (admin ? await pgCpuSnapshot(admin, pgName) : undefined);
    const pg0 = await server();
    const cpu0 = process.cpuUsage(), t0 = performance.now();
    for (let g = 0; g * 50 < M; g++) {
      const events = Array.from({ length: Math.min(50, M - g * 50) }, (_, k) => {
        const i = g * 50 + k;
        const base = { service: `svc-${i % SERVICES}`, version: `v${String(i).padStart(6, "0")}`, deploy_id: `d-${i}` };
        return [{ ...base, event_id: `${i}-s`, phase: "started", timestamp: DEPLOY_AT }, { ...base, event_id: `${i}-f`, phase: "finished", timestamp: DEPLOY_AT + MIN }];
      }).flat();
      await send("/api/v1/deploys/batch", { events });
    }
    const posted = counter.snapshot(), cpu1 = process.cpuUsage(cpu0), t1 = performance.now();
    const pg1 = await server();
    counter.reset();
    let runs = 0;
    for (; (await analyzing.get())!.n > 0; runs++) {
      if (runs > 0) clock.now += MIN; // what is left waits for its next look
      if (runs > 300) throw new Error("releases still analyzing after 300 scheduler runs");
      await container.verdicts.runAllDue();
    }
    const judged = counter.snapshot(), cpu2 = process.cpuUsage(cpu0), t2 = performance.now();
    const pg2 = await server();
    const profile = profiling ? ((await session.post("Profiler.stop")).profile as CpuProfile) : undefined;
    if (profiling) session.disconnect();

    const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    const judgeCpu = ms(cpu2) - ms(cpu1);
    console.error(`posting: ${(t1 - t0).toFixed(0)} ms wall, ${ms(cpu1).toFixed(0)} ms CPU (${(ms(cpu1) / M).toFixed(3)} ms per lifecycle); ${perLifecycle(posted, M)}`);
    console.error(`judging: ${(t2 - t1).toFixed(0)} ms wall, ${judgeCpu.toFixed(0)} ms CPU (${(judgeCpu / M).toFixed(3)} ms per lifecycle) in ${runs} scheduler run(s); ${perLifecycle(judged, M)}`);
    console.error(`lifecycles: ${(M / ((t2 - t0) / 1000)).toFixed(0)} /s wall, ${(ms(cpu2) / M).toFixed(3)} ms CPU each${profiling ? " (profiler on)" : ""}`);
    if (pg0 && pg1 && pg2) {
      const post = pgCpuBetween(pg0, pg1), judge = pgCpuBetween(pg1, pg2), total = (ms(cpu2) + post + judge) / M;
      console.error(`PostgreSQL server CPU (its backends and background processes, from /proc): posting ${(post / M).toFixed(3)} ms, judging ${(judge / M).toFixed(3)} ms per lifecycle`);
      console.error(`replica + server: ${total.toFixed(3)} ms CPU per lifecycle, so at most ${(1000 / total).toFixed(0)} lifecycles/s per core of this machine (${(2000 / total).toFixed(0)} /s on its 2 cores, if nothing else ran)`);
    }
    console.error("statements while judging, most run first (per lifecycle):");
    for (const [text, n] of [...judged.byText].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_STATEMENTS ?? 15))) console.error(`  ${(n / M).toFixed(2).padStart(7)}  ${text.replace(/\s+/g, " ").slice(0, 120)}`);
    if (profile) {
      if (process.env.BENCH_CPU_PROFILE) writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
      printSummary(summarizeProfile(profile), Number(process.env.BENCH_TOP ?? 30), { label: "lifecycle", count: M });
    }
    await compareVerdicts(container.store.statement("SELECT version, status, decided_at AS \"decidedAt\", score, verdict FROM releases ORDER BY version"));
  } finally {
    await container.close();
    rmSync(dir, { recursive: true, force: true });
    if (admin) await adminQuery(admin, `DROP DATABASE IF EXISTS ${pgName}`);
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Every final verdict as stored (status, decidedAt, score, the whole verdict JSON with its stats), written or compared. */
async function compareVerdicts(rows: { all: () => Promise<Record<string, unknown>[]> }): Promise<void> {
  const now = (await rows.all()).map((r) => ({ ...r, verdict: typeof r.verdict === "string" ? JSON.parse(r.verdict) : r.verdict }) as Record<string, unknown>);
  const statuses = new Map<string, number>();
  for (const r of now) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
  console.error(`verdicts: ${[...statuses].map(([s, n]) => `${n} ${s}`).join(", ")}`);
  if (process.env.BENCH_VERDICTS_OUT) writeFileSync(process.env.BENCH_VERDICTS_OUT, JSON.stringify(now));
  if (!process.env.BENCH_VERDICTS_COMPARE) return;
  const before = JSON.parse(readFileSync(process.env.BENCH_VERDICTS_COMPARE, "utf8")) as typeof now;
  let same = 0;
  const differ: string[] = [];
  for (const [i, r] of now.entries()) {
    if (JSON.stringify(r) === JSON.stringify(before[i])) same++;
    else differ.push(String(r.version));
  }
  console.error(`verdicts compared with ${process.env.BENCH_VERDICTS_COMPARE}: ${same} of ${before.length} identical (status, decidedAt, score, verdict JSON with stats)${now.length === before.length ? "" : `; ${now.length} now`}`);
  if (differ.length > 0) {
    const i = now.findIndex((r) => r.version === differ[0]);
    console.error(`first difference, ${differ[0]}:\n before ${JSON.stringify(before[i]).slice(0, 1500)}\n now    ${JSON.stringify(now[i]).slice(0, 1500)}`);
    process.exitCode = 1;
  }
}

await main();
