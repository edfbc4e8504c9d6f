import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startService, type RunningService } from "../../src/main.ts";
import { DEFAULT_SERVER_LIMITS } from "../../src/http/server-limits.ts";
import { REPO_RULES } from "../support/test-service.ts";
import { ROOT } from "../support/server-process.ts";

let service: RunningService | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await service?.stop();
  service = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "dg-lifecycle-"));
  dirs.push(dir);
  return loadConfig({ PORT: "0", HOST: "127.0.0.1", DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: REPO_RULES, DEPLOY_GUARD_API_TOKEN: "lifecycle-admin-token-0123", DEPLOY_GUARD_DB_SYNC: "normal", ...extra });
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });

describe("the HTTP server's limits", () => {
  it("sets header, request and keep-alive timeouts and a connection cap by default", async () => {
    service = await startService(config(), pino({ level: "silent" }));
    const server = service.server as unknown as { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; maxConnections: number };
    expect({ headers: server.headersTimeout, request: server.requestTimeout, keepAlive: server.keepAliveTimeout, max: server.maxConnections })
      .toEqual({ headers: 10_000, request: 30_000, keepAlive: 5_000, max: DEFAULT_SERVER_LIMITS.maxConnections });
  });

  it("closes a slow-loris connection that never finishes its headers", async () => {
    service = await startService(config(), pino({ level: "silent" }), { ...DEFAULT_SERVER_LIMITS, headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    const socket = connect(service.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString()));
    const drip = setInterval(() => socket.writable && socket.write("X-Slow: a\r\n"), 200);
    const started = Date.now();
    await new Promise((r) => socket.once("close", r));
    clearInterval(drip);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("refuses connections past the cap", async () => {
    service = await startService(config(), pino({ level: "silent" }), { ...DEFAULT_SERVER_LIMITS, maxConnections: 1 });
    const first = connect(service.port, "127.0.0.1");
    await new Promise((r) => first.once("connect", r));
    const second = connect(service.port, "127.0.0.1");
    await new Promise((r) => second.once("close", r));
    expect(first.destroyed).toBe(false);
    first.destroy();
  });
});

describe("npm start", () => {
  it("passes SIGTERM on: the server shuts down and frees its port, leaving no orphan", async () => {
    const c = config();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: ROOT, stdio: "ignore",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), HOST: "127.0.0.1", DEPLOY_GUARD_DB: c.dbPath, DEPLOY_GUARD_RULES: REPO_RULES, DEPLOY_GUARD_API_TOKEN: "lifecycle-admin-token-0123", DEPLOY_GUARD_LOG_LEVEL: "silent" },
    });
    const exited = new Promise<number | null>((r) => npm.once("exit", (code) => r(code)));
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error("npm start did not come up");
      await new Promise((r) => setTimeout(r, 200));
    }
    npm.kill("SIGTERM");
    await exited;
    const freeBy = Date.now() + 5000;
    while (!(await portIsFree(port))) {
      if (Date.now() > freeBy) throw new Error(`port ${port} is still held after SIGTERM to npm`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
});
