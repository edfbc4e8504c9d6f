import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/server-process.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
let server: ServerType;
let url: string;
let releaseId: string;

beforeAll(async () => {
  svc = createTestService({ now: Date.now() });
  for (const phase of ["started", "failed"]) {
    const res = await svc.request("POST", "/api/v1/deploys", { service: "billing", version: "5.1.0", phase, timestamp: svc.clock.now });
    releaseId = ((await res.json()) as { release_id: string }).release_id;
  }
  server = serve({ fetch: svc.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  svc?.close();
});

const env = () => ({ DEPLOY_GUARD_URL: url, DEPLOY_GUARD_TOKEN: ADMIN_TOKEN });

describe("deploy-guard decide, against the real app over HTTP", () => {
  it("records the decision through the API, audited as made via cli, and prints what the gate now answers", { timeout: 30_000 }, async () => {
    const r = await runCli(["decide", "--release", releaseId, "--action", "hold", "--reason", "waiting for the DBA"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^hold recorded for .* by admin \(DEPLOY_GUARD_API_TOKEN\) at /);
    expect(r.stdout).toMatch(/The gate now answers HOLD: Held by admin/);
    const [entry] = await svc.container.audit.ofRelease(releaseId);
    expect(entry).toMatchObject({ kind: "decision", actor: "admin (DEPLOY_GUARD_API_TOKEN)", data: { action: "hold", via: "cli", reason: "waiting for the DBA" } });

    const marked = await runCli(["decide", "--url", url, "--token", ADMIN_TOKEN, "--release", releaseId, "--action", "mark-wrong", "--feedback", "false_fail", "--reason", "provider outage", "--json"], {});
    expect(marked.code, marked.stderr).toBe(0);
    expect(JSON.parse(marked.stdout)).toMatchObject({ decision: { action: "mark_wrong", feedback: "false_fail", via: "cli" } });

    const rolled = await runCli(["decide", "--release", releaseId, "--action", "rollback", "--reason", "bad release"], env());
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toContain("Rollback: No rollback is configured for rule 'default'; roll back by hand.");
  });

  it("exits 1 when deploy-guard refuses the decision, saying why, and 3 on a usage or connection error", { timeout: 30_000 }, async () => {
    const unknown = await runCli(["decide", "--release", releaseId, "--action", "skip", "--signal", "cpu", "--reason", "noisy"], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("422: signal: rule 'default' has no signal 'cpu'; its signals are: error_rate, latency");
    expect((await runCli(["decide", "--release", releaseId, "--action", "promote", "--reason", "x"], env())).code).toBe(3);
    expect((await runCli(["decide", "--release", releaseId, "--action", "approve"], env())).stderr).toContain("--reason is required");
    const noServer = await runCli(["decide", "--release", "r", "--action", "approve", "--reason", "x"], { DEPLOY_GUARD_URL: "http://127.0.0.1:9" });
    expect(noServer.code).toBe(3);
    expect(noServer.stderr).toContain("cannot reach http://127.0.0.1:9");
    const wrongToken = await runCli(["decide", "--release", releaseId, "--action", "approve", "--reason", "x"], { DEPLOY_GUARD_URL: url, DEPLOY_GUARD_TOKEN: "wrong-token-000000000000" });
    expect(wrongToken.code).toBe(3);
    expect(wrongToken.stderr).toContain("401");
    expect(wrongToken.stderr).not.toContain("wrong-token");
    const help = await runCli(["decide", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--action approve|hold|rollback|retry|skip|mark-wrong");
  });
});
