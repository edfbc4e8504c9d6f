import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows } from "../support/sqlite-count.ts";
import { runCli, startServer, type ServerProcess } from "../support/server-process.ts";
import { generateTraffic } from "../support/traffic.ts";

const TOKEN = "e2e-admin-token-0123456789";
const MIN = 60_000;
const now = Date.now();
const DEPLOY_START = Math.floor((now - 60 * MIN) / MIN) * MIN;
const DEPLOY_END = DEPLOY_START + 2 * MIN;
let server: ServerProcess;
let dbPath: string;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function finalVerdict(releaseId: string) {
  await expect.poll(async () => (await api("GET", `/api/v1/releases/${releaseId}/verdict`)).body.final, { timeout: 20_000, interval: 250 }).toBe(true);
  return (await api("GET", `/api/v1/releases/${releaseId}/verdict`)).body;
}

/** Two hours of logs for one service: one hour before the deploy, then the new version. */
async function replay(service: string, after: { errorRate: number; latencyMs: number }, seed: number) {
  const before = generateTraffic({ service, start: DEPLOY_START - 60 * MIN, minutes: 60, perMinute: 200, errorRate: 0.005, latencyMs: 120, version: "1.0", seed });
  const later = generateTraffic({ service, start: DEPLOY_START, minutes: 58, perMinute: 200, ...after, version: "2.0", seed: seed + 1 });
  const all = [...before, ...later];
  for (let i = 0; i < all.length; i += 10_000) {
    const ndjson = all.slice(i, i + 10_000).map((e) => JSON.stringify(e)).join("\n");
    const res = await fetch(`${server.url}/api/v1/logs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-ndjson" }, body: ndjson });
    expect(res.status).toBe(202);
  }
  await api("POST", "/api/v1/deploys", { service, version: "2.0", phase: "started", timestamp: DEPLOY_START, event_id: `${service}-start` });
  const done = await api("POST", "/api/v1/deploys", { service, version: "2.0", phase: "finished", timestamp: DEPLOY_END, event_id: `${service}-end` });
  expect(done.status).toBe(202);
  return done.body.release_id as string;
}

const env = () => ({ DEPLOY_GUARD_DB: dbPath, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1" });

describe("deploy-guard end to end, as its own process on SQLite", () => {
  let bad: string, good: string;

  beforeAll(async () => {
    dbPath = join(mkdtempSync(join(tmpdir(), "dg-e2e-")), "guard.db");
    server = await startServer(env());
    bad = await replay("payments", { errorRate: 0.05, latencyMs: 168 }, 100);
    good = await replay("search", { errorRate: 0.005, latencyMs: 120 }, 200);
  });
  afterAll(async () => {
    await server?.stop();
    // One JSON line per request, and never the token.
    expect(server.output()).not.toContain(TOKEN);
    expect(server.output()).toMatch(/"method":"GET","path":"\/api\/v1\/releases\/rel_[\w-]+\/verdict","status":200/);
  });

  it("fails the release that raised errors from 0.5 % to 5 % and latency by 40 %, and passes the unchanged one", async () => {
    const b = await finalVerdict(bad);
    expect(b).toMatchObject({ status: "fail", service: "payments", version: "2.0" });
    expect(b.checks.map((c: any) => c.status)).toEqual(["fail", "fail"]);
    const g = await finalVerdict(good);
    expect(g).toMatchObject({ status: "pass", service: "search" });
  });

  it("gives the CLI gate exit code 1 for the failing release and 0 for the healthy one", async () => {
    const failing = await runCli(["gate", "--url", server.url, "--token", TOKEN, "--service", "payments", "--version", "2.0", "--timeout", "60s", "--interval", "250ms"]);
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/^FAIL: payments 2\.0 in production is not healthy/);
    const passing = await runCli(["gate", "--url", server.url, "--token", TOKEN, "--release", good, "--timeout", "60s"]);
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/^PASS:/);
  });

  it("gives exit code 2 on a timeout and 3 on a connection error", async () => {
    const { body } = await api("POST", "/api/v1/deploys", { service: "slow", version: "1", phase: "started" });
    const waiting = await runCli(["gate", "--url", server.url, "--token", TOKEN, "--release", body.release_id, "--timeout", "1s", "--interval", "200ms"]);
    expect(waiting.code).toBe(2);
    expect(waiting.stderr).toMatch(/is being deployed/);
    const unreachable = await runCli(["gate", "--url", "http://127.0.0.1:9", "--token", TOKEN, "--release", "x", "--timeout", "5s", "--interval", "100ms"]);
    expect(unreachable.code).toBe(3);
    const usage = await runCli(["gate", "--url", server.url]);
    expect(usage.code).toBe(3);
  });

  it("loses no acknowledged event when killed with SIGKILL, and keeps the same verdicts", async () => {
    const before = await finalVerdict(bad);
    const t = DEPLOY_START + 10 * MIN;
    const acked: number[] = [];
    for (let i = 0; i < 20; i++) {
      const events = Array.from({ length: 250 }, (_, k) => ({ timestamp: t + k, service: "kill-test", status: 200, latency_ms: 5 + k }));
      const res = await api("POST", "/api/v1/logs", { events });
      if (res.status === 202) acked.push(res.body.accepted);
    }
    const deploy = await api("POST", "/api/v1/deploys", { service: "kill-test", version: "9", phase: "started", event_id: "kill-1" });
    expect(deploy.status).toBe(202);
    await server.kill();

    server = await startServer(env());
    const list = await api("GET", "/api/v1/releases?service=kill-test");
    expect(list.body.releases).toHaveLength(1);
    expect(list.body.releases[0].id).toBe(deploy.body.release_id);
    expect(countRows(dbPath, "SELECT count(*) AS n FROM log_events WHERE service = 'kill-test'")).toBe(acked.reduce((a, b) => a + b, 0));
    const after = await finalVerdict(bad);
    expect(after).toEqual(before);
  });
});
