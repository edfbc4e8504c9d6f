import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";
import { MIN, reportedRelease, START, withRollback } from "./release-fixtures.ts";

let svc: TestService | undefined;
let dir: string | undefined;
afterEach(() => {
  svc?.close();
  svc = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function serviceWithCommand(script: string, settings: string) {
  dir = mkdtempSync(join(tmpdir(), "dg-rollback-cmd-"));
  const file = join(dir, "rollback.sh");
  writeFileSync(file, `#!/bin/sh\n${script}`);
  chmodSync(file, 0o755);
  const argv = JSON.stringify([file, join(dir, "env.txt")]);
  const rules = rulesWith({ pay: { service: "pay", edit: withRollback(`command: ${argv}\n${settings}`) } });
  svc = createTestService({ now: START, rulesDir: rules, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DEPLOY_GUARD_ROLLBACK_SECRET: "rollback-secret-0123456789" } });
  return { svc, dir };
}

describe("rollback command", () => {
  it("runs the command without a shell, the release's details in its environment and none of deploy-guard's secrets, and records its exit code and output", async () => {
    const { svc, dir } = serviceWithCommand('env | sort > "$1"\necho "rolling back $DEPLOY_GUARD_SERVICE to ${DEPLOY_GUARD_PREVIOUS_VERSION:-?}"\n', "timeout_seconds: 10");
    const previous = await reportedRelease(svc, "pay", "41");
    await svc.container.decisions.decide({ releaseId: previous, action: "approve", reason: "good", actor: "ops", via: "cli" });
    // 42 comes a minute after 41: releases made in one millisecond have no order on PostgreSQL (no rowid).
    svc.clock.now = START + MIN;
    const id = await reportedRelease(svc, "pay", "42");
    svc.clock.now = START + 5 * MIN;
    await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "p99 doubled; rolling back" });
    await svc.container.rollbacks.runDue();

    const env = Object.fromEntries(readFileSync(join(dir, "env.txt"), "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    expect(env).toMatchObject({
      DEPLOY_GUARD_RELEASE_ID: id, DEPLOY_GUARD_SERVICE: "pay", DEPLOY_GUARD_ENVIRONMENT: "production", DEPLOY_GUARD_VERSION: "42",
      DEPLOY_GUARD_PREVIOUS_VERSION: "41", DEPLOY_GUARD_STATUS: "fail", DEPLOY_GUARD_SUMMARY: "Rollback requested by admin (DEPLOY_GUARD_API_TOKEN): p99 doubled; rolling back",
      DEPLOY_GUARD_REQUESTED_BY: "decision", DEPLOY_GUARD_ROLLBACK_ATTEMPT: "1", PATH: process.env.PATH ?? "/usr/bin:/bin",
    });
    const all = JSON.stringify(env);
    expect(all).not.toContain("rollback-secret-0123456789");
    expect(all).not.toContain(ADMIN_TOKEN);

    const [attempt] = (await svc.container.audit.ofRelease(id)).filter((e) => e.kind === "rollback_attempt");
    expect(attempt!.data).toMatchObject({ attempt: 1, outcome: "succeeded", exit_code: 0, signal: null, output_tail: "rolling back pay to 41\n" });
    expect(attempt!.message).toBe(`Rollback attempt 1 of 5 via the command '${join(dir, "rollback.sh")}': succeeded.`);
  });

  it("kills a command that hangs at its timeout, with what it started, and records the attempt as failed", async () => {
    const { svc, dir } = serviceWithCommand("echo starting\nsleep 60\necho never\n", "timeout_seconds: 1\nmax_attempts: 1");
    const id = await reportedRelease(svc, "pay", "42");
    await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "bad" });
    const started = performance.now();
    await svc.container.rollbacks.runDue();
    expect(performance.now() - started).toBeLessThan(4000);

    const row = (await svc.sql("SELECT status, attempts, last_error FROM rollbacks").get());
    expect(row).toEqual({ status: "failed", attempts: 1, last_error: "killed after 1 s" });
    const [attempt] = (await svc.container.audit.ofRelease(id)).filter((e) => e.kind === "rollback_attempt");
    expect(attempt!.data).toMatchObject({ outcome: "failed", status: "failed", signal: "SIGKILL", exit_code: null, output_tail: "starting\n" });
    expect(attempt!.message).toBe(`Rollback attempt 1 of 1 via the command '${join(dir, "rollback.sh")}': failed (killed after 1 s); giving up.`);

    svc.clock.now += 60 * MIN;
    await svc.container.rollbacks.runDue();
    expect((await svc.container.audit.ofRelease(id)).filter((e) => e.kind === "rollback_attempt")).toHaveLength(1);
  });

  it("records a command that cannot start as failed without retrying it", async () => {
    dir = mkdtempSync(join(tmpdir(), "dg-rollback-cmd-"));
    const rules = rulesWith({ pay: { service: "pay", edit: withRollback('command: ["/nonexistent/rollback-tool", "--now"]') } });
    svc = createTestService({ now: START, rulesDir: rules });
    const id = await reportedRelease(svc, "pay", "42");
    await svc.container.decisions.decide({ releaseId: id, action: "rollback", reason: "bad", actor: "ops", via: "cli" });
    await svc.container.rollbacks.runDue();
    expect((await svc.sql("SELECT status, attempts, last_error FROM rollbacks").get()))
      .toEqual({ status: "failed", attempts: 1, last_error: "could not start '/nonexistent/rollback-tool': ENOENT" });
  });
});
