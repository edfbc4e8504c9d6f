import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { withRollback } from "../decisions/release-fixtures.ts";
import { startReceiver, type Receiver } from "../notify/local-receiver.ts";
import { rulesWith } from "../support/rule-files.ts";
import { startServer, type ServerProcess } from "../support/server-process.ts";

const TOKEN = "crash-test-admin-token-0123456789";
let server: ServerProcess | undefined;
let receiver: Receiver | undefined;
const dirs: string[] = [];

afterEach(async () => {
  if (server && server.child.exitCode === null) await server.kill();
  server = undefined;
  await receiver?.close();
  receiver = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "dg-crash-"));
  dirs.push(d);
  return d;
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server!.url}${path}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const until = async (what: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("side effects cut off by kill -9", () => {
  it("redelivers an alert killed mid-delivery with the same Idempotency-Key, so a de-duplicating receiver acts on it once", async () => {
    const dir = tempDir();
    // The first delivery is held open (the server is killed while waiting for the answer); later ones are answered.
    const held: (() => void)[] = [];
    receiver = await startReceiver();
    receiver.server.removeAllListeners("request");
    const seen = new Set<string>();
    let acted = 0;
    receiver.server.on("request", (req, res) => {
      req.resume();
      req.on("end", () => {
        const key = String(req.headers["idempotency-key"] ?? "");
        receiver!.got.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: "", json: undefined });
        if (receiver!.got.length === 1) return void held.push(() => res.destroy());
        if (!seen.has(key)) acted += 1;
        seen.add(key);
        res.writeHead(200).end("ok");
      });
    });
    const env = {
      DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_DB_SYNC: "normal",
      DEPLOY_GUARD_WEBHOOK_URL: receiver.url, DEPLOY_GUARD_WEBHOOK_SECRET: "webhook-secret-0123456789",
    };
    server = await startServer(env);
    const res = await api("POST", "/api/v1/deploys", { service: "pay", version: "7", phase: "failed", tool: "test" });
    expect(res.status).toBe(202);
    await until(() => receiver!.got.length === 1);
    await server.kill();
    held.forEach((close) => close());

    server = await startServer(env);
    await until(() => receiver!.got.length >= 2);
    await new Promise((r) => setTimeout(r, 6000)); // another dispatcher run or two: nothing more may go out
    const keys = receiver.got.map((g) => g.headers["idempotency-key"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^dg-alert-\d+-[0-9a-f]{24}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(acted).toBe(1);
    await server.stop();
    const db = new Database(join(dir, "guard.db"), { readonly: true });
    expect(db.prepare("SELECT attempt, status FROM effect_attempts WHERE effect = 'alert' ORDER BY attempt").all())
      .toEqual([{ attempt: 1, status: "unknown" }, { attempt: 2, status: "succeeded" }]);
    db.close();
  }, 60_000);

  it("never starts a rollback command again after a crash during it: the rollback becomes unknown, a person is alerted and the audit shows it", async () => {
    const dir = tempDir();
    const script = join(dir, "rollback.sh");
    const runs = join(dir, "runs.txt");
    writeFileSync(script, `#!/bin/sh\necho "start $DEPLOY_GUARD_ROLLBACK_ATTEMPT" >> "${runs}"\nsleep 4\necho end >> "${runs}"\n`);
    chmodSync(script, 0o755);
    const rules = rulesWith({ pay: { service: "pay", edit: withRollback(`command: ${JSON.stringify([script])}\ntimeout_seconds: 30`) } });
    dirs.push(rules);
    receiver = await startReceiver();
    const env = {
      DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: rules, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_DB_SYNC: "normal",
      DEPLOY_GUARD_WEBHOOK_URL: receiver.url, DEPLOY_GUARD_WEBHOOK_SECRET: "webhook-secret-0123456789",
    };
    server = await startServer(env);
    const deployed = await api("POST", "/api/v1/deploys", { service: "pay", version: "42", phase: "started" });
    const id = deployed.body.release_id as string;
    expect((await api("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "p99 doubled" })).status).toBe(201);
    await until(() => existsSync(runs) && readFileSync(runs, "utf8").includes("start"));
    await server.kill();

    server = await startServer(env);
    await until(async () => (await api("GET", `/api/v1/releases/${id}/audit`)).body.events.some((e: { kind: string }) => e.kind === "rollback_unknown"));
    await until(() => receiver!.got.some((g) => String(g.json?.summary).includes("may or may not have run")));
    await new Promise((r) => setTimeout(r, 6000)); // the script's own sleep ends, and the rollback job runs again
    expect(readFileSync(runs, "utf8").match(/start/g)).toHaveLength(1);

    const audit = (await api("GET", `/api/v1/releases/${id}/audit`)).body.events as { kind: string; message: string }[];
    expect(audit.find((e) => e.kind === "rollback_unknown")!.message).toMatch(/may or may not have run.*check the service, then retry the rollback or mark it done/);
    expect(audit.filter((e) => e.kind === "rollback_attempt")).toHaveLength(0);
    const done = await api("POST", `/api/v1/releases/${id}/rollback/resolution`, { resolution: "done", reason: "checked: v41 is running" });
    expect(done).toEqual({ status: 200, body: { release_id: id, status: "succeeded" } });
    expect((await api("POST", `/api/v1/releases/${id}/rollback/resolution`, { resolution: "retry", reason: "again" })).status).toBe(409);
    expect(readFileSync(runs, "utf8").match(/start/g)).toHaveLength(1);
  }, 90_000);
});
