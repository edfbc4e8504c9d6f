import { mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countRows } from "../support/sqlite-count.ts";
import { ROOT, runCli, startServer } from "../support/server-process.ts";

describe("first start", () => {
  it("writes a generated admin token to a 0600 file beside the database, logs where, and never logs the token", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "dg-first-"));
    const dbPath = join(dataDir, "guard.db");
    const first = await startServer({ DEPLOY_GUARD_DB: dbPath });
    const file = join(dataDir, "admin-token");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, "utf8").trim();
    expect(token).toMatch(/^dg_[\w-]{20,}$/);
    const res = await fetch(`${first.url}/api/v1/deploys`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ service: "a", version: "1", phase: "started" }),
    });
    expect(res.status).toBe(202);
    await first.stop();
    // stdout and stderr together: the token is nowhere, the file is named in a log line.
    expect(first.output()).not.toContain(token);
    const notice = first.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { msg: string; file?: string })
      .find((l) => l.msg.startsWith("first start: an admin API token was generated"));
    expect(notice).toMatchObject({ file });
    expect(notice!.msg).toContain(file);
    expect(countRows(dbPath, `SELECT count(*) AS n FROM api_tokens WHERE token_hash = '${token}'`)).toBe(0);
    expect(countRows(dbPath, "SELECT count(*) AS n FROM api_tokens WHERE scope = 'admin'")).toBe(1);

    const written = statSync(file).mtimeMs;
    const second = await startServer({ DEPLOY_GUARD_DB: dbPath });
    await second.stop();
    expect(second.output()).not.toContain("admin API token was generated");
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("refuses to start on a bad variable, naming it", async () => {
    const result = await runCli(["serve"], { PORT: "not-a-port", DEPLOY_GUARD_API_TOKEN: "short" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("PORT:");
    expect(result.stderr).toContain("DEPLOY_GUARD_API_TOKEN: must be at least 16 characters (value hidden)");
    expect(result.stderr).not.toContain("short\"");
  });

  it("refuses to start with invalid rules, naming file and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-badrules-"));
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "rules", "x.yaml"), "name: x\nsignals:\n  - name: e\n    kind: errors\n    fail: { relative: 1 }\n");
    const result = await runCli(["serve"], { DEPLOY_GUARD_DB: join(dir, "g.db"), DEPLOY_GUARD_RULES: join(dir, "rules"), DEPLOY_GUARD_API_TOKEN: "0123456789abcdef0" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/x\.yaml: signals\[0\]\.kind: Invalid option/);
  });
});

describe("npx deploy-guard", () => {
  it("runs the CLI from a clone with no build step, as a pipeline script would", async () => {
    const { spawnSync } = await import("node:child_process");
    const result = spawnSync("npx", ["--no-install", "deploy-guard", "gate", "--url", "http://127.0.0.1:9", "--release", "x", "--timeout", "2s", "--interval", "100ms"], {
      cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });
    // Exit 3: the CLI ran, and said it could not connect.
    expect(result.status, result.stderr).toBe(3);
    expect(result.stderr).toContain("cannot reach http://127.0.0.1:9");
  });
});

describe("deploy-guard rules check", () => {
  it("passes the shipped rules and fails a bad file with its field", async () => {
    const ok = await runCli(["rules", "check"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("ok  default");
    const dir = mkdtempSync(join(tmpdir(), "dg-check-"));
    writeFileSync(join(dir, "bad.yaml"), "name: bad\nsignals:\n  - name: e\n    kind: error_rate\n    fail: { relative: -1 }\n");
    const bad = await runCli(["rules", "check", "--rules", dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml: signals\[0\]\.fail\.relative: /);
  });
});
