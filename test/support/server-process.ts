import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../bin/deploy-guard.js", import.meta.url));
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for a clean exit; returns the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL: no shutdown of any kind. */
  kill: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts the real service as its own process (`deploy-guard serve`) and resolves when /readyz answers — from this
 * process: a free port found here can be taken by another test's server before ours binds it, so the answer must name
 * this process's replica id (it carries the pid), and a start that lost its port is tried again on another.
 */
export async function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, nodeArgs);
    } catch (err) {
      if (attempt >= 5 || !(err instanceof PortTaken)) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(env: Record<string, string>, nodeArgs: string[]): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, BIN, "serve"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", DEPLOY_GUARD_LOG_LEVEL: "info", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve((exitCode = code))));
  const ours = (id: unknown) => typeof id === "string" && (env.DEPLOY_GUARD_REPLICA_ID ? id === env.DEPLOY_GUARD_REPLICA_ID : id.includes(`-${child.pid}-`));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (/EADDRINUSE/.test(out)) {
      child.kill("SIGKILL");
      await exited;
      throw new PortTaken(`port ${port} was taken`);
    }
    if (exitCode !== undefined) {
      throw new Error(`server exited with ${exitCode}:\n${out}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become ready:\n${out}`);
    }
    const answer = await fetch(`http://127.0.0.1:${port}/readyz`).then(async (r) => ({ ok: r.ok, body: (await r.json().catch(() => ({}))) as { replica?: { id?: unknown } } }), () => undefined);
    if (answer?.ok && ours(answer.body.replica?.id)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
