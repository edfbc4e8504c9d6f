import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ServerProcess } from "../../support/server-process.ts";
import { ADMIN, api, createToken, EXAMPLES, startGroup, toolMissing } from "./example-processes.ts";

const CAP_DIR = join(EXAMPLES, "capistrano");
const missing = toolMissing("cap");
if (missing) console.warn(`Capistrano example: ${missing}`);

function cap(args: string[], env: Record<string, string> = {}) {
  const run = startGroup("cap", args, { cwd: CAP_DIR, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
  return run.exited.then((code) => ({ code, output: run.output() }));
}

describe.skipIf(missing !== undefined)("the Capistrano example", () => {
  it("loads with Debian's Capistrano and lists the deploy_guard tasks", async () => {
    const run = await cap(["-T"]);
    expect(run.code, run.output).toBe(0);
    const tasks = run.output.split("\n").filter((l) => l.startsWith("cap deploy_guard:")).map((l) => l.split(/\s+/)[1]);
    expect(tasks).toEqual(["deploy_guard:gate", "deploy_guard:notify_failed", "deploy_guard:notify_finished", "deploy_guard:notify_rolled_back", "deploy_guard:notify_started"]);
  });

  describe("against a real deploy-guard", () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "dg-cap-"));
      server = await startServer({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_API_TOKEN: ADMIN });
      env = {
        DEPLOY_GUARD_URL: server.url, DEPLOY_VERSION: "2.0.0",
        DEPLOY_GUARD_TOKEN: await createToken(server.url, "backfill", "capistrano"),
        DEPLOY_GUARD_READ_TOKEN: await createToken(server.url, "read", "capistrano-gate"),
      };
    });
    afterAll(async () => {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("posts started and finished from its hooks, and its gate fails the deploy on a failing verdict", async () => {
      // Both in one run, as in `cap production deploy`, so they share the deploy id.
      const events = await cap(["local", "deploy_guard:notify_started", "deploy_guard:notify_finished"], env);
      expect(events.code, events.output).toBe(0);
      expect(events.output).toMatch(/deploy-guard: started demo-web 2\.0\.0 \(release rel_\S+\)\ndeploy-guard: finished demo-web 2\.0\.0/);
      const list = await api(server.url, ADMIN, "GET", "/api/v1/releases?service=demo-web&environment=local");
      expect(list.releases.map((r: any) => [r.version, r.status])).toEqual([["2.0.0", "analyzing"]]);
      const id = list.releases[0].id;

      expect((await cap(["local", "deploy_guard:notify_rolled_back"], env)).code).toBe(0);
      const release = await api(server.url, ADMIN, "GET", `/api/v1/releases/${id}`);
      expect(release.status).toBe("fail");
      expect(release.deploys).toHaveLength(1);
      expect(release.deploys[0]).toMatchObject({ tool: "capistrano", status: "rolled_back", id: expect.stringMatching(/^demo-web-2\.0\.0-\d{14}$/) });

      const gate = await cap(["local", "deploy_guard:gate"], env);
      expect(gate.code).not.toBe(0);
      expect(gate.output).toContain("deploy-guard: FAIL: The release was rolled back (reported by capistrano)");
      expect(gate.output).not.toContain(env.DEPLOY_GUARD_READ_TOKEN);
    });

    it("says what deploy-guard refused, without the token", async () => {
      const run = await cap(["local", "deploy_guard:notify_started"], { ...env, DEPLOY_GUARD_TOKEN: "dg_not-a-real-token-at-all" });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain("deploy-guard answered 401 to POST /api/v1/deploys: The API token is not valid.");
      expect(run.output).not.toContain("dg_not-a-real-token-at-all");
    });
  });
});
