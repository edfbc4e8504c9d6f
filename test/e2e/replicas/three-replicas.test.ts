import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "../../notify/local-receiver.ts";
import { createMigratedDatabase, dbUrl, dropDatabase, PG_SKIP_REASON } from "../../support/postgres.ts";
import { startServer, type ServerProcess } from "../../support/server-process.ts";
import { REPO_RULES } from "../../support/test-service.ts";
import { generateTraffic } from "../../support/traffic.ts";

const TOKEN = "replica-admin-token-0123456789";
const MIN = 60_000;
const DEPLOY_START = Math.floor((Date.now() - 60 * MIN) / MIN) * MIN;
const DEPLOY_END = DEPLOY_START + 2 * MIN;
// Judged by the scheduler (windows in the past, telemetry stored first): two that fail, two that pass at the first
// look (the traffic of test/e2e/release-judged-end-to-end.test.ts).
const BAD = { errorRate: 0.05, latencyMs: 168, seed: 100 };
const GOOD = { errorRate: 0.005, latencyMs: 120, seed: 200 };
const JUDGED = [{ service: "pay-a", ...BAD }, { service: "pay-b", ...BAD }, { service: "search-a", ...GOOD }, { service: "search-b", ...GOOD }];
// Deploys their tool reports failed (a final fail at once), each asked to roll back by a person; one service each, so
// no alert is collapsed into a throttle digest.
const FAILED = Array.from({ length: 12 }, (_, i) => `shop-${i}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(PG_SKIP_REASON !== undefined)(`three replicas on one PostgreSQL, one killed mid-run${PG_SKIP_REASON ? ` (skipped: ${PG_SKIP_REASON})` : ""}`, () => {
  let dir: string, dbName: string, pool: pg.Pool, hook: Receiver;
  const servers: (ServerProcess | undefined)[] = [];
  let turn = 0;

  const live = () => servers.filter((s): s is ServerProcess => s !== undefined);
  /** Round-robin over every replica started, the killed one included: a request it cannot answer is not acknowledged. */
  const next = () => servers[turn++ % servers.length];
  const call = async (server: ServerProcess | undefined, method: string, path: string, body: unknown, type = "application/json") => {
    if (!server) return { status: 0, body: {} as Record<string, unknown> };
    try {
      const res = await fetch(`${server.url}${path}`, {
        method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": type }, body: typeof body === "string" ? body : JSON.stringify(body), signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    } catch {
      return { status: 0, body: {} as Record<string, unknown> };
    }
  };
  /** Deploy events and decisions are idempotent (event_id, one rollback per release): resent to another replica until answered. */
  const surely = async (method: string, path: string, body: unknown, ok: number[]) => {
    for (let i = 0; i < 10; i++) {
      const r = await call(next(), method, path, body);
      if (ok.includes(r.status)) return r;
      await sleep(100);
    }
    throw new Error(`${method} ${path} was never answered`);
  };
  const rows = async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dg-replicas-"));
    dbName = await createMigratedDatabase();
    pool = new pg.Pool({ connectionString: dbUrl(dbName), max: 2 });
    hook = await startReceiver();
    const script = join(dir, "rollback.sh");
    writeFileSync(script, `#!/bin/sh\necho "$DEPLOY_GUARD_RELEASE_ID" >> "${join(dir, "rollbacks.txt")}"\nsleep 1\n`);
    chmodSync(script, 0o755);
    const rules = join(dir, "rules");
    cpSync(REPO_RULES, rules, { recursive: true });
    const yaml = readFileSync(join(rules, "default.yaml"), "utf8");
    writeFileSync(join(rules, "default.yaml"), yaml.replace(/(\n {2}notify_on: [^\n]*)/, `$1\n  rollback:\n    command: ${JSON.stringify([script])}\n    timeout_seconds: 3`));
    const env = (id: string) => ({
      DEPLOY_GUARD_DB: dbUrl(dbName), DEPLOY_GUARD_DB_POOL_SIZE: "4", DEPLOY_GUARD_REPLICA_ID: id, DEPLOY_GUARD_RULES: rules,
      DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_LOG_LEVEL: "warn", DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1",
      // Telemetry an hour old is accepted; a dead replica's claims on releases pass to the others within ~22 s.
      DEPLOY_GUARD_INGEST_MAX_DELAY_SECONDS: "86400", DEPLOY_GUARD_SOURCE_TIMEOUT_MS: "1000", DEPLOY_GUARD_SOURCE_RETRIES: "0",
      DEPLOY_GUARD_WEBHOOK_URL: hook.url, DEPLOY_GUARD_WEBHOOK_SECRET: "replica-webhook-secret-0123456789",
    });
    servers.push(...(await Promise.all(["r1", "r2", "r3"].map((id) => startServer(env(id))))));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(live().map((s) => s.stop()));
    await hook?.close();
    await pool?.end();
    if (dbName) dropDatabase(dbName);
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged event and gives each release one final verdict, one alert per status and one rollback run", async () => {
    const acked = new Map<string, number>();
    const sendLogs = async (events: object[], tag: string) => {
      const r = await call(next(), "POST", "/api/v1/logs", events.map((e) => JSON.stringify(e)).join("\n"), "application/x-ndjson");
      if (r.status === 202) acked.set(tag, events.length);
    };
    // Wave 1, all three up: an hour before and after each judged deploy, then the deploys (started and finished on
    // different replicas), and half the failed deploys with their rollback decisions.
    for (const j of JUDGED) {
      const events = [
        ...generateTraffic({ service: j.service, start: DEPLOY_START - 60 * MIN, minutes: 60, perMinute: 200, errorRate: 0.005, latencyMs: 120, version: "1.0", seed: j.seed }),
        ...generateTraffic({ service: j.service, start: DEPLOY_START, minutes: 58, perMinute: 200, errorRate: j.errorRate, latencyMs: j.latencyMs, version: "2.0", seed: j.seed + 1 }),
      ].map((e, i) => ({ ...e, message: `m-${j.service}-${i}` }));
      for (let i = 0; i < events.length; i += 5000) await sendLogs(events.slice(i, i + 5000), `${j.service}-${i}`);
    }
    const judged: string[] = [];
    for (const j of JUDGED) {
      await surely("POST", "/api/v1/deploys", { service: j.service, version: "2.0", phase: "started", timestamp: DEPLOY_START, event_id: `${j.service}-start` }, [202]);
      judged.push((await surely("POST", "/api/v1/deploys", { service: j.service, version: "2.0", phase: "finished", timestamp: DEPLOY_END, event_id: `${j.service}-end` }, [202])).body.release_id as string);
    }
    const failed: string[] = [];
    const failOne = async (service: string) => {
      const id = (await surely("POST", "/api/v1/deploys", { service, version: "9", phase: "failed", tool: "replica-test", event_id: `${service}-failed` }, [202])).body.release_id as string;
      failed.push(id);
      await surely("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "replica test" }, [201, 409]);
    };
    for (const s of FAILED.slice(0, 6)) await failOne(s);

    // Wave 2: more telemetry and failed deploys while replica r2 is killed with SIGKILL in the middle of them.
    const killer = (async () => {
      await sleep(400);
      const victim = servers[1]!;
      servers[1] = undefined;
      await victim.kill();
    })();
    const noise = generateTraffic({ service: "noise", start: Date.now() - 10 * MIN, minutes: 10, perMinute: 300, errorRate: 0.01, latencyMs: 50, seed: 99 })
      .map((e, i) => ({ ...e, message: `m-noise-${i}` }));
    await Promise.all([
      (async () => {
        for (let i = 0; i < noise.length; i += 250) await sendLogs(noise.slice(i, i + 250), `noise-${i}`);
      })(),
      (async () => {
        for (const s of FAILED.slice(6)) await failOne(s);
      })(),
      killer,
    ]);
    expect(servers[1]).toBeUndefined();

    // Every release decided, every alert delivered and every rollback finished (or, if cut off by the kill, unknown).
    const all = [...judged, ...failed];
    const settled = async () => {
      const [open] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM releases WHERE id = ANY($1) AND decided_at IS NULL", [all]);
      const [alerts] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM notifications WHERE status = 'pending'");
      const [rollbacks] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM rollbacks WHERE status IN ('pending', 'running')");
      return open!.n + alerts!.n + rollbacks!.n;
    };
    const leftovers = async () => JSON.stringify({
      releases: await rows("SELECT id, service, status, next_check_at, summary FROM releases WHERE id = ANY($1) AND decided_at IS NULL", [all]),
      alerts: await rows("SELECT id, release_id, attempts, next_attempt_at, last_error FROM notifications WHERE status = 'pending'"),
      rollbacks: await rows("SELECT release_id, status, attempts FROM rollbacks WHERE status IN ('pending', 'running')"),
      now: Date.now(), logs: live().map((s) => s.output().slice(-2000)),
    });
    await expect.poll(settled, { timeout: 45_000, interval: 500, message: "still open" }).toBe(0).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: ${await leftovers()}`);
    });

    // Every acknowledged event is stored, once.
    const stored = new Map((await rows<{ tag: string; n: number }>(
      "SELECT message AS tag, count(*)::int AS n FROM log_events WHERE message LIKE 'm-%' GROUP BY message HAVING count(*) > 1",
    )).map((r) => [r.tag, r.n]));
    expect(stored).toEqual(new Map());
    const [{ n: storedTotal }] = (await rows<{ n: number }>("SELECT count(*)::int AS n FROM log_events WHERE message LIKE 'm-%'")) as [{ n: number }];
    const ackedTotal = [...acked.values()].reduce((a, b) => a + b, 0);
    expect(storedTotal).toBeGreaterThanOrEqual(ackedTotal);
    for (const [k, j] of JUDGED.entries()) {
      const [{ n }] = (await rows<{ n: number }>("SELECT count(*)::int AS n FROM log_events WHERE service = $1", [j.service])) as [{ n: number }];
      expect(n, `${j.service} (${k})`).toBe(118 * 200);
    }

    // Exactly one final verdict per release: the failing pair failed, the healthy pair passed, the failed deploys failed.
    const finals = await rows<{ release_id: string; n: number; status: string }>(
      "SELECT release_id, count(*)::int AS n, min(status) AS status FROM evaluations WHERE kind = 'final' AND release_id = ANY($1) GROUP BY release_id", [all]);
    expect(finals).toHaveLength(all.length);
    expect(finals.filter((f) => f.n !== 1)).toEqual([]);
    const statusOf = new Map(finals.map((f) => [f.release_id, f.status]));
    expect(judged.map((id) => statusOf.get(id))).toEqual(["fail", "fail", "pass", "pass"]);
    expect(failed.every((id) => statusOf.get(id) === "fail")).toBe(true);

    // One webhook alert per release and status (a redelivery after the kill carries the same Idempotency-Key).
    const verdictAlerts = hook.got.filter((g) => g.headers["x-deploy-guard-event"] === "verdict" && !/may or may not have run/.test(g.json?.summary ?? ""));
    const keysPer = new Map<string, Set<string>>();
    for (const g of verdictAlerts) {
      const key = `${g.json.release_id}|${g.json.status}`;
      keysPer.set(key, (keysPer.get(key) ?? new Set()).add(String(g.headers["idempotency-key"])));
    }
    const failing = [...judged.slice(0, 2), ...failed];
    expect([...keysPer.keys()].sort()).toEqual(failing.map((id) => `${id}|fail`).sort());
    expect([...keysPer.values()].filter((keys) => keys.size !== 1)).toEqual([]);
    const unknownAlerts = await rows<{ n: number }>("SELECT count(*)::int AS n FROM effect_attempts WHERE effect = 'alert' AND status = 'unknown'");
    expect(verdictAlerts.length).toBeLessThanOrEqual(failing.length + unknownAlerts[0]!.n);

    // One rollback per failing release; its command ran once, or (cut off by the kill, so 'unknown') at most once.
    const runs = existsSync(join(dir, "rollbacks.txt")) ? readFileSync(join(dir, "rollbacks.txt"), "utf8").trim().split("\n").filter(Boolean) : [];
    const rollbacks = await rows<{ release_id: string; status: string }>("SELECT release_id, status FROM rollbacks ORDER BY release_id");
    expect(rollbacks.map((r) => r.release_id).sort()).toEqual([...failing].sort());
    for (const r of rollbacks) {
      const ran = runs.filter((id) => id === r.release_id).length;
      if (r.status === "unknown") expect(ran, r.release_id).toBeLessThanOrEqual(1);
      else expect([r.release_id, r.status, ran]).toEqual([r.release_id, "succeeded", 1]);
    }
  }, 120_000);
});
