/**
 * npm run bench:soak [-- --minutes=N --clients=N] — reliability under kill -9:
 *  - several clients push log events (each with a unique message), report failed deploys (one alert each) and ask for
 *    a rollback of each (one command run each), while the real server process is killed with SIGKILL at random moments
 *    and restarted on the same database;
 *  - then the last server runs on until the alert outbox and the rollback queue are empty (capped at --drain-minutes);
 *  - then: records acknowledged / found / lost / duplicated, alerts (own or in a throttle digest) and rollbacks per
 *    release;
 *  - and, in-process, p99 of /healthz while retention deletes a million old rows and while 10,000-event batches arrive.
 */
import { appendFileSync, chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { loadConfig } from "../src/config.ts";
import { startService } from "../src/main.ts";
import { startReceiver } from "../test/notify/local-receiver.ts";
import { countAlerts, countRollbacks } from "./soak-accounting.ts";
import { waitForDrain } from "./soak-drain.ts";
import { REPO_RULES } from "../test/support/test-service.ts";
import { startServer, type ServerProcess } from "../test/support/server-process.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const MINUTES = arg("minutes", 10);
const CLIENTS = arg("clients", 4);
const DRAIN_MINUTES = arg("drain-minutes", 5);
// Small windows and a low limit, so both individual alerts and digests occur and every digest is due within the drain.
const THROTTLE_MAX = arg("throttle-max", 100);
const THROTTLE_MINUTES = arg("throttle-minutes", 1);
const TOKEN = "soak-admin-token-0123456789";
const dir = mkdtempSync(join(tmpdir(), "dg-soak-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.99) - 1)] ?? NaN;

function rulesWithRollback(script: string): string {
  const rules = join(dir, "rules");
  cpSync(REPO_RULES, rules, { recursive: true });
  const path = join(rules, "default.yaml");
  const yaml = readFileSync(path, "utf8").replace(/(\n {2}notify_on: [^\n]*)/, `$1\n  rollback:\n    command: ${JSON.stringify([script])}\n    timeout_seconds: 30`);
  writeFileSync(path, yaml);
  return rules;
}

async function soak() {
  const runs = join(dir, "rollbacks.txt");
  const script = join(dir, "rollback.sh");
  writeFileSync(script, `#!/bin/sh\necho "$DEPLOY_GUARD_RELEASE_ID" >> "${runs}"\nsleep 0.5\n`);
  chmodSync(script, 0o755);
  const hook = await startReceiver();
  const env = {
    DEPLOY_GUARD_DB: join(dir, "soak.db"), DEPLOY_GUARD_RULES: rulesWithRollback(script), DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_LOG_LEVEL: "warn",
    DEPLOY_GUARD_WEBHOOK_URL: hook.url, DEPLOY_GUARD_WEBHOOK_SECRET: "soak-webhook-secret-0123456789", DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: String(THROTTLE_MAX),
    DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: String(THROTTLE_MINUTES),
  };
  let server: ServerProcess | undefined = await startServer(env);
  const end = Date.now() + MINUTES * 60_000;
  const killsAt = end - 20_000;
  let kills = 0, seq = 0;
  const killTimes: number[] = [];
  const ackedBatches = new Set<string>();
  const releases = new Set<string>();
  const call = async (method: string, path: string, body: unknown) => {
    if (!server) throw new Error("down");
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const client = async (c: number) => {
    const wanted: string[] = [];
    while (Date.now() < end) {
      try {
        const n = 200, base = seq++;
        const events = Array.from({ length: n }, (_, i) => ({ timestamp: Date.now() - 1000, service: `soak${c}`, status: 200, latency_ms: 20, message: `soak-${c}-${base}-${i}` }));
        if ((await call("POST", "/api/v1/logs", { events })).status === 202) ackedBatches.add(`${c}-${base}`);
        if (base % 10 === 0) {
          const d = await call("POST", "/api/v1/deploys", { service: `soak${c}`, version: `v${base}`, phase: "failed", tool: "soak", event_id: `soak-${c}-${base}` });
          if (d.status === 202) wanted.push(d.body.release_id as string);
        }
        // A rollback is asked until acknowledged; asking again for the same release must not run it twice.
        for (const id of wanted.splice(0)) {
          const r = await call("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "soak" }).catch(() => ({ status: 0 }));
          if (r.status === 201 || r.status === 200) releases.add(id);
          else wanted.push(id);
        }
      } catch {
        await sleep(200);
      }
    }
  };
  const killer = async () => {
    while (Date.now() < killsAt) {
      await sleep(10_000 + Math.random() * 25_000);
      if (Date.now() >= killsAt || !server) break;
      const s = server;
      server = undefined;
      killTimes.push(Date.now());
      await s.kill();
      kills += 1;
      server = await startServer(env);
    }
  };
  await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), killer()]);
  const drain = await waitForDrain(join(dir, "soak.db"), DRAIN_MINUTES * 60_000);
  await server?.stop();
  await hook.close();

  const db = new Database(join(dir, "soak.db"), { readonly: true });
  // Each record is found by its own message: lost = acknowledged but absent; duplicated = stored more than once.
  // Counted per batch in SQL: ten minutes store more records than a Map may hold (2^24).
  const perBatch = new Map<string, { distinct: number; rows: number }>();
  for (const r of db.prepare("SELECT rtrim(message, '0123456789') AS b, COUNT(DISTINCT message) AS d, COUNT(*) AS n FROM log_events WHERE message LIKE 'soak-%' GROUP BY b").iterate() as Iterable<{ b: string; d: number; n: number }>) {
    perBatch.set(r.b, { distinct: r.d, rows: r.n });
  }
  let acked = 0, found = 0, lost = 0;
  for (const b of ackedBatches) {
    const stored = perBatch.get(`soak-${b}-`)?.distinct ?? 0;
    acked += 200;
    found += stored;
    lost += 200 - stored;
  }
  const duplicated = [...perBatch.values()].reduce((a, g) => a + g.rows - g.distinct, 0);
  const storedButNotAcked = [...perBatch.values()].reduce((a, g) => a + g.distinct, 0) - found;
  const all = [...releases];
  const runLines = existsSync(runs) ? readFileSync(runs, "utf8").trim().split("\n").filter(Boolean) : [];
  const alerts = countAlerts(hook.got, all, db, THROTTLE_MINUTES * 60_000);
  const rollbacks = countRollbacks(hook.got, all, runLines, db, killTimes);
  const failedAlerts = (db.prepare("SELECT COUNT(*) AS n FROM notifications WHERE status = 'failed'").get() as { n: number }).n;
  db.close();
  return {
    minutes: MINUTES, clients: CLIENTS, kills, acked, found, lost, duplicated, storedButNotAcked,
    drained: drain.drained, drainSeconds: drain.seconds, leftAfterDrain: JSON.stringify(drain.pending),
    throttle: `${THROTTLE_MAX} releases per service per ${THROTTLE_MINUTES} min`,
    releases: all.length, ...alerts, alertsGivenUp: failedAlerts, ...rollbacks,
  };
}

async function latency() {
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DEPLOY_GUARD_DB: join(dir, "latency.db"), DEPLOY_GUARD_RULES: REPO_RULES, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_LOG_LEVEL: "silent" });
  const svc = await startService(config, pino({ level: "silent" }));
  const url = `http://127.0.0.1:${svc.port}`;
  const old = Date.now() - 30 * 24 * 3600_000;
  svc.container.db.$client.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
    INSERT INTO log_events (ts, service, environment, is_error, message) SELECT ${old} + i, 'old', 'production', 0, 'old row' FROM n`).run();
  const probe = async (during: Promise<unknown>) => {
    const times: number[] = [];
    let done = false;
    void during.finally(() => (done = true));
    while (!done) {
      const t = performance.now();
      await fetch(`${url}/healthz`);
      times.push(performance.now() - t);
    }
    return times;
  };
  const t0 = performance.now();
  const retention = await probe(svc.container.telemetry.prune(Date.now() - 14 * 24 * 3600_000));
  const pruneMs = performance.now() - t0;
  // The bodies are built before probing: this process is also the client, and building them is not the server's work.
  const bodies = Array.from({ length: 10 }, () => JSON.stringify({ events: Array.from({ length: 10_000 }, (_, i) => ({ timestamp: Date.now() - 60_000 + i, service: `big${i % 5}`, host: `h${i % 20}`, route: `/r${i % 30}`, status: i % 50 ? 200 : 500, latency_ms: 10 + (i % 90), message: i % 50 ? "ok" : `error ${i % 7}` })) }));
  const batch = async () => {
    for (const body of bodies) {
      const res = await fetch(`${url}/api/v1/logs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body });
      if (res.status !== 202) throw new Error(`a 10,000-event batch was answered ${res.status}: ${await res.text()}`);
    }
  };
  const batches = await probe(batch());
  await svc.stop();
  return { retentionRows: 1_000_000, pruneSeconds: (pruneMs / 1000).toFixed(1), healthzP99Retention: p99(retention).toFixed(1), healthzMaxRetention: Math.max(...retention).toFixed(1), probesRetention: retention.length, healthzP99Batches: p99(batches).toFixed(1), healthzMaxBatches: Math.max(...batches).toFixed(1), probesBatches: batches.length };
}

const print = (figures: Record<string, unknown>) => {
  console.log("\n| figure | value |\n|---|---|");
  for (const [k, v] of Object.entries(figures)) console.log(`| ${k} | ${v} |`);
};
// Printed and kept before the latency part starts, so a failure there does not lose ten minutes of soak.
const soakFigures = await soak();
print(soakFigures);
appendFileSync(join(dir, "figures.json"), `${JSON.stringify({ soakFigures })}\n`);
const latencyFigures = await latency();
print(latencyFigures);
appendFileSync(join(dir, "figures.json"), `${JSON.stringify({ latencyFigures })}\n`);
console.log(`\nfigures and the databases are in ${dir}`);
