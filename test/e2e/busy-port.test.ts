import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../support/server-process.ts";
import { REPO_RULES } from "../support/test-service.ts";

let holder: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((r) => (holder ? holder.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("deploy-guard serve on a busy port", () => {
  it("exits non-zero with a message naming the port, instead of running on without listening", async () => {
    holder = createServer();
    await new Promise<void>((r) => holder!.listen(0, "127.0.0.1", r));
    const { port } = holder.address() as { port: number };
    dir = mkdtempSync(join(tmpdir(), "dg-busy-port-"));
    const child = spawn(process.execPath, [BIN, "serve"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), HOST: "127.0.0.1",
        DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: REPO_RULES, DEPLOY_GUARD_API_TOKEN: "busy-port-admin-token-0123",
      },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // A process still alive after 30 s is the bug this guards against: it would hold the database and serve nothing.
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`deploy-guard could not start: .*EADDRINUSE.*:${port}\\b`));
  }, 45_000);
});
