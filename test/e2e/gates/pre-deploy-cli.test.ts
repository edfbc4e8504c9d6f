import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type ServerProcess } from "../../support/server-process.ts";

const TOKEN = "pre-deploy-cli-token-0123456789";
let server: ServerProcess;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dg-predeploy-"));
  server = await startServer({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_API_TOKEN: TOKEN });
  for (const phase of ["started", "failed"]) {
    const res = await fetch(`${server.url}/api/v1/deploys`, {
      method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ service: "broken", version: "1.0.1", phase }),
    });
    expect(res.status).toBe(202);
  }
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const gate = (args: string[], env: Record<string, string> = { DEPLOY_GUARD_URL: server.url, DEPLOY_GUARD_TOKEN: TOKEN }) => runCli(["gate", "--pre-deploy", ...args], env);

describe("deploy-guard gate --pre-deploy, against the real server process", () => {
  it("exits 0 when the service may be deployed", async () => {
    const r = await gate(["--service", "healthy"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS: healthy in production looks healthy enough to deploy/);
  });

  it("exits 2 while the running release has failed, saying why", async () => {
    const r = await gate(["--service", "broken", "--environment", "production", "--json"]);
    expect(r.code, r.stderr).toBe(2);
    const body = JSON.parse(r.stdout) as { status: string; checks: { check: string; status: string }[] };
    expect(body.status).toBe("hold");
    expect(body.checks[0]).toMatchObject({ check: "open_verdict", status: "hold" });
  });

  it("with --timeout keeps asking while held, then exits 2", async () => {
    const r = await gate(["--service", "broken", "--timeout", "1s", "--interval", "300ms"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hold — Do not deploy broken in production now");
    expect(r.stdout).toMatch(/^HOLD: /);
  });

  it("exits 3 on a usage or connection error, and on a wrong token, without printing the token", { timeout: 60_000 }, async () => {
    expect((await gate([])).code).toBe(3);
    expect((await gate(["--service", "x", "--release", "r"])).code).toBe(3);
    const wrong = await gate(["--service", "healthy"], { DEPLOY_GUARD_URL: server.url, DEPLOY_GUARD_TOKEN: "wrong-token-000000000000" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("401");
    expect(wrong.stderr).not.toContain("wrong-token");
    const unreachable = await gate(["--service", "x", "--interval", "200ms"], { DEPLOY_GUARD_URL: "http://127.0.0.1:9" });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain("cannot reach http://127.0.0.1:9");
  });
});
