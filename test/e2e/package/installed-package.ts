import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";

export const REGISTRY = "https://registry.npmjs.org";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The caller's environment without the npm_* variables `npm run` sets: a nested npm would read them as its own
 * configuration (the repository's prefix among them) and install into the clone instead of the empty folder.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^npm_/i.test(k))) as Record<string, string>;
  // The installed bin's `#!/usr/bin/env node` must find the node running these tests.
  return { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ""}`, ...extra };
}

export function run(command: string, args: string[], cwd: string, env: Record<string, string> = cleanEnv()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Why the registry cannot be used from here, or undefined when it answers. */
export async function registryUnreachable(): Promise<string | undefined> {
  try {
    const res = await fetch(`${REGISTRY}/-/ping`, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? undefined : `${REGISTRY} answered ${res.status}`;
  } catch (err) {
    return `${REGISTRY} cannot be reached (${(err as Error).cause ?? (err as Error).message})`;
  }
}

export interface InstalledServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `deploy-guard serve` on port 0; the port it bound is read from its "listening" log line, so no other test can take it. */
export async function serveInstalled(bin: string, cwd: string, env: Record<string, string>): Promise<InstalledServer> {
  const child: ChildProcess = spawn(bin, ["serve"], { cwd, env: cleanEnv({ HOST: "127.0.0.1", PORT: "0", DEPLOY_GUARD_LOG_LEVEL: "info", ...env }), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the installed server did not start:\n${out}`)), 30_000);
    const read = (d: Buffer) => {
      out += d.toString();
      // Whole lines only: a chunk can end inside one.
      const listening = out.split("\n").slice(0, -1).map(logLine).find((l) => l.msg === "deploy-guard listening");
      if (listening?.port) {
        clearTimeout(timer);
        resolve(listening.port);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the installed server exited:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function logLine(line: string): { msg?: string; port?: number } {
  try {
    return JSON.parse(line) as { msg?: string; port?: number };
  } catch {
    return {};
  }
}

export const installedBin = (dir: string) => join(dir, "node_modules", ".bin", "deploy-guard");
