import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commandLines, shellBlocks, type CodeBlock } from "../support/readme-blocks.ts";
import { ROOT } from "../support/server-process.ts";

/** Blocks run whole, in a fresh copy of the repository, against the server `npm start` started there. */
const RUN_WHOLE = ["Example: one release, by hand"];

/** The one command that starts the server: run as `npm start` (node_modules is linked in place of `npm ci`). */
const START = "npm ci && npm start";

/** Every other command of a README shell block, exactly as written, and why this test does not run it. */
const NOT_RUN_HERE: Record<string, string> = {
  "npm ci && npm test": "CI runs it (.ci/run): the whole fast suite, which is not nested inside one of its own tests",
  "pg_ctlcluster 15 main start": "needs root and Debian's PostgreSQL 15 cluster; .ci/run does it",
  "su postgres -c \"psql -c \\\"CREATE ROLE deploy_guard LOGIN CREATEDB PASSWORD 'deploy_guard'\\\"\"": "needs root and a running PostgreSQL; .ci/run does it",
  "export DEPLOY_GUARD_TEST_POSTGRES=postgres://deploy_guard:deploy_guard@127.0.0.1:5432/postgres": "only names the PostgreSQL role above; .ci/run sets it",
  "npm test": "CI runs it (.ci/run)",
  "npm run test:e2e": "CI runs it (.ci/run); this test is part of it",
  "npm run test:postgres": "needs PostgreSQL; CI runs it (.ci/run)",
  "npm install -g ./deploy-guard-0.1.0.tgz": "installs globally from a tarball `npm pack` makes; test/e2e/package/ packs and installs it in a temp prefix",
  "npx --yes --package=./deploy-guard-0.1.0.tgz deploy-guard gate --url … --token … --service checkout --version 1.4.2":
    "its … are placeholders for a server and token; test/e2e/package/ runs the installed package's gate",
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://deploy-guard:8080": "an OpenTelemetry SDK's environment, for the observed service, not a command; test/telemetry/otlp/ covers the receiver",
  "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf": "the SDK's environment, as above",
  "OTEL_EXPORTER_OTLP_HEADERS=\"authorization=Bearer <ingest token>\"": "the SDK's environment, as above (a placeholder token)",
  "OTEL_RESOURCE_ATTRIBUTES=service.version=1.4.2,deployment.environment.name=production": "the SDK's environment, as above",
  "DEPLOY_GUARD_TOKEN=… sh gate.sh --url https://deploy-guard.example.com --service checkout --version 1.4.2":
    "a placeholder token and an example.com server; test/e2e/gates/curl-gate.test.ts runs examples/gate.sh",
};

const blocks = shellBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
const children: ChildProcess[] = [];
let clone: string | undefined;

afterAll(() => {
  // The server's process group (npm, and the node it execs): only what this file started.
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(-c.pid, "SIGKILL");
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe("the README's shell blocks", () => {
  it("are each run here or listed as not runnable here with a reason, so a new command fails until someone decides", () => {
    const undecided = blocks.flatMap((b) => RUN_WHOLE.includes(b.heading) ? [] : commandLines(b)
      .filter((line) => line !== START && !(line in NOT_RUN_HERE)).map((line) => `README.md:${b.line} [${b.heading}] ${line}`));
    expect(undecided).toEqual([]);
    expect(blocks.filter((b) => RUN_WHOLE.includes(b.heading))).toHaveLength(RUN_WHOLE.length);
    expect(blocks.flatMap(commandLines)).toContain(START);
    const stale = Object.keys(NOT_RUN_HERE).filter((line) => !blocks.some((b) => commandLines(b).includes(line)));
    expect(stale, "listed here but no longer in the README").toEqual([]);
  });
});

describe("the README, followed on a fresh clone", () => {
  it("npm start, then 'one release, by hand' as written: the replayed release passes and the gate exits 0", async () => {
    clone = freshClone();
    const port = await startAsWritten(clone);
    const example = blocks.find((b) => b.heading === "Example: one release, by hand")!;
    const result = await runBlock(example, clone, port);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain("PASS: checkout 1.4.2 in production looks healthy");
    expect(result.stdout).toMatch(/^ {2}pass +error_rate: /m);
    expect(result.stdout).toMatch(/^ {2}pass +latency: /m);
  }, 120_000);
});

/**
 * What a clone would hold: the files git tracks plus the new ones not ignored (helpers' work not yet committed), with
 * node_modules linked from this checkout instead of `npm ci`, which would take minutes and is what CI runs anyway.
 */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-readme-"));
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  // node_modules is linked below (a checkout may hold it as a symlink, which the ignore rule "node_modules/" misses).
  for (const file of listed.stdout.split("\0").filter((f) => f && f !== "node_modules" && !f.startsWith("node_modules/"))) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** `npm start` with PORT= (the README's way to another port), tried again if another test took the port first. */
async function startAsWritten(dir: string): Promise<number> {
  const command = START.replace(/^npm ci && /, "").split(" ");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // HOST keeps the test's server off the machine's other interfaces; the README's commands say localhost.
    const child = spawn(command[0]!, command.slice(1), {
      cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), HOST: "127.0.0.1" },
    });
    children.push(child);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (child.exitCode === null && Date.now() <= deadline) return port;
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    if (attempt >= 3 || !out.includes(String(port))) throw new Error(`npm start did not come up:\n${out}`);
  }
}

/** The block as one bash script (set -e: the first failing command ends it), its port the one the server took. */
function runBlock(block: CodeBlock, cwd: string, port: number): Promise<{ code: number | null; stdout: string; output: string }> {
  const script = block.text.replaceAll("localhost:8080", `localhost:${port}`);
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-c", script], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } });
    let stdout = "", output = "";
    child.stdout.on("data", (d: Buffer) => ((stdout += d.toString()), (output += d.toString())));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output });
    });
  });
}
