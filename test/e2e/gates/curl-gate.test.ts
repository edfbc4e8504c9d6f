import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServer, type ServerProcess } from "../../support/server-process.ts";

const TOKEN = "curl-gate-test-token-0123456789";
let server: ServerProcess;
let dir: string;
const ids: Record<string, string> = {};

async function api(method: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** A release of `service` 1.0 whose deploy finished, then decided by an operator (pass or fail), or left analyzing. */
async function release(service: string, decision?: "approve" | "rollback"): Promise<void> {
  for (const phase of ["started", "finished"]) {
    const res = await api("POST", "/api/v1/deploys", { service, version: "1.0", phase });
    expect(res.status).toBe(202);
    ids[service] = ((await res.json()) as { release_id: string }).release_id;
  }
  if (decision) expect((await api("POST", `/api/v1/releases/${ids[service]}/decision`, { action: decision, reason: "decided for the test" })).status).toBe(201);
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const gate = (args: string[], env: Record<string, string> = {}) =>
  run("sh", ["examples/gate.sh", "--url", server.url, "--interval", "200ms", ...args], { DEPLOY_GUARD_TOKEN: TOKEN, ...env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dg-curl-gate-"));
  server = await startServer({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_API_TOKEN: TOKEN });
  await release("good", "approve");
  await release("bad", "rollback");
  await release("waiting");
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/gate.sh, curl and a JSON tool against the real server process", () => {
  for (const tool of ["jq", "python3"]) {
    describe(`with ${tool}`, () => {
      const env: Record<string, string> = tool === "python3" ? { GATE_JSON_TOOL: "python3" } : {};

      it("exits 0 on pass and 1 on fail, printing the verdict and its checks", async () => {
        const pass = await gate(["--service", "good", "--version", "1.0"], env);
        expect(pass.code, pass.stderr).toBe(0);
        expect(pass.stdout).toMatch(/^PASS: Approved by admin/);
        const fail = await gate(["--release", ids.bad!], env);
        expect(fail.code, fail.stderr).toBe(1);
        expect(fail.stdout).toMatch(/^FAIL: /);
      });

      it("says what it waits for and when a decision is expected, then exits 2 at --timeout", async () => {
        const r = await gate(["--service", "waiting", "--version", "1.0", "--timeout", "1s"], env);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/analyzing waiting 1\.0 \(production\): \d+ of up to 240 minutes of data; a decision is expected by \d\d:\d\d UTC \(in about 24\d min\)/);
        expect(r.stderr).toContain("no final verdict within --timeout 1s; treating as hold");
      });
    });
  }

  it("waits for a release not reported yet, and exits 3 on usage and connection errors without showing the token", async () => {
    const unknown = await gate(["--service", "nobody", "--version", "9", "--timeout", "1s"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("waiting for nobody 9 (production) to be reported: No deploy of nobody 9 in production has been reported yet.");
    const help = await gate(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error");
    expect((await gate(["--bogus"])).code).toBe(3);
    expect((await gate(["--service", "good"])).code).toBe(3);
    const wrong = await gate(["--service", "good", "--version", "1.0"], { DEPLOY_GUARD_TOKEN: "wrong-token-000000000000" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("401");
    expect(wrong.stderr).not.toContain("wrong-token");
    const down = await run("sh", ["examples/gate.sh", "--url", "http://127.0.0.1:9", "--service", "a", "--version", "1", "--interval", "100ms"], {});
    expect(down.code).toBe(3);
  });
});

describe("the GitHub Action, its entry step run as the runner runs a composite step", () => {
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
    outputs: { status: { value: string } };
    runs: { using: string; steps: { id: string; shell: string; env: Record<string, string>; run: string }[] };
  };

  /** The runner evaluates `${{ inputs.x }}` in the step's env (defaults for inputs not given), then runs `run` with bash -e. */
  async function runAction(inputs: Record<string, string>) {
    const step = action.runs.steps[0]!;
    const value = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? "";
    const env = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, v.replace(/\$\{\{\s*inputs\.(\w+)\s*\}\}/g, (_, n: string) => value(n))]));
    const work = mkdtempSync(join(tmpdir(), "dg-action-"));
    const script = join(work, "step.sh"), output = join(work, "output");
    writeFileSync(script, step.run);
    writeFileSync(output, "");
    const r = await run("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { ...env, GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: output });
    const outputs = Object.fromEntries(readFileSync(output, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split("=", 2) as [string, string]));
    rmSync(work, { recursive: true, force: true });
    return { ...r, outputs };
  }

  it("is a composite action whose script holds no expression, only environment variables", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps[0]!.run).not.toContain("${{");
    expect(action.outputs.status.value).toBe("${{ steps.gate.outputs.status }}");
  });

  it("passes the step with status pass, and fails it with status fail", async () => {
    const pass = await runAction({ url: server.url, token: TOKEN, service: "good", version: "1.0", interval: "200ms" });
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.outputs).toEqual({ status: "pass" });
    const fail = await runAction({ url: server.url, token: TOKEN, release: ids.bad!, interval: "200ms" });
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.outputs).toEqual({ status: "fail" });
    const timeout = await runAction({ url: server.url, token: TOKEN, service: "waiting", version: "1.0", timeout: "1s", interval: "200ms" });
    expect(timeout.code).toBe(2);
    expect(timeout.outputs).toEqual({ status: "timeout" });
  });
});

describe("the GitLab CI template", () => {
  const template = parse(readFileSync(join(ROOT, "examples/gitlab/deploy-guard-gate.gitlab-ci.yml"), "utf8")) as Record<string, { image: string; variables: Record<string, string>; script: string[] }>;
  const job = template[".deploy-guard-gate"]!;

  it("is a hidden job template on a small image that runs the curl gate", () => {
    expect(job.image).toMatch(/^alpine:/);
    expect(job.script.join("\n")).toContain('sh "$DEPLOY_GUARD_GATE_SCRIPT"');
  });

  it("runs its script as a GitLab runner would, with the template's variables and the project's", async () => {
    const variables = { ...job.variables, DEPLOY_GUARD_GATE_SCRIPT: join(ROOT, "examples/gate.sh"), DEPLOY_GUARD_URL: server.url, DEPLOY_GUARD_TOKEN: TOKEN, DEPLOY_GUARD_SERVICE: "bad", DEPLOY_GUARD_VERSION: "1.0", DEPLOY_GUARD_INTERVAL: "200ms" };
    const work = mkdtempSync(join(tmpdir(), "dg-gitlab-"));
    const r = await run("sh", ["-ec", `cd "${work}"; ${job.script.join("\n")}`], { ...variables, HOME: work });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: /);
    expect(readFileSync(join(work, "deploy-guard-status.txt"), "utf8")).toBe("fail\n");
    rmSync(work, { recursive: true, force: true });
  });
});
