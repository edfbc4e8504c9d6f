import { spawn, spawnSync, type SpawnOptions } from "node:child_process";
import { fileURLToPath } from "node:url";

export const EXAMPLES = fileURLToPath(new URL("../../../examples", import.meta.url));
export const ADMIN = "examples-admin-token-0123456789";

/** Whether a tool of the examples is installed; in CI a missing one must fail the test, not skip it. */
export function toolMissing(command: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
  if (found) return undefined;
  return process.env.CI ? undefined : `${command} is not installed (apt-get install ansible-core capistrano); skipped outside CI`;
}

export interface Running {
  output: () => string;
  exited: Promise<number | null>;
  /** Ends the process and everything it started (its own process group). */
  stop: () => Promise<number | null>;
}

/** Starts a process in its own process group, so stop() also ends what it started (instances, Ansible workers). */
export function startGroup(command: string, args: string[], options: SpawnOptions): Running {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (err) => {
      out += `${err.message}\n`;
      resolve(127);
    });
    child.once("exit", (code) => resolve(code));
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch { /* already gone */ }
  };
  return {
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.pid) {
        signal("SIGTERM");
        const timer = setTimeout(() => signal("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      signal("SIGKILL"); // stragglers of the group
      return exited;
    },
  };
}

export async function waitForOutput(p: Running, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = p.output().match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A token of one scope, as an operator would create it for a pipeline. */
export async function createToken(url: string, scope: "ingest" | "backfill" | "read", name: string): Promise<string> {
  return ((await api(url, ADMIN, "POST", "/api/v1/tokens", { name, scope })) as { token: string }).token;
}
