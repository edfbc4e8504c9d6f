import { expect } from "vitest";
import type { ServerProcess } from "./server-process.ts";

const MIN = 60_000;

export interface VerdictCheck {
  signal: string;
  status: string;
  reason?: string;
}

/**
 * What a pipeline does against a real server process: post a release's deploy (started at `start + minute`, finished
 * a minute later, so its windows lie in replayed history) and poll its verdict until it is final.
 */
export function releaseClient(server: () => ServerProcess | undefined, options: { token: string; start: number; service?: string; timeoutMs?: number }) {
  const service = options.service ?? "checkout";
  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${server()!.url}${path}`, {
      method, headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function deploy(version: string, minute: number): Promise<string> {
    await api("POST", "/api/v1/deploys", { service, environment: "production", version, phase: "started", timestamp: options.start + minute * MIN });
    const done = await api("POST", "/api/v1/deploys", { service, environment: "production", version, phase: "finished", timestamp: options.start + (minute + 1) * MIN });
    expect(done.status).toBe(202);
    return done.body.release_id as string;
  }

  async function finalVerdict<C extends VerdictCheck = VerdictCheck>(releaseId: string): Promise<{ status: string; checks: C[] }> {
    await expect.poll(async () => (await api("GET", `/api/v1/releases/${releaseId}/verdict`)).body.final, { timeout: options.timeoutMs ?? 30_000, interval: 250 }).toBe(true);
    return (await api("GET", `/api/v1/releases/${releaseId}/verdict`)).body as { status: string; checks: C[] };
  }

  return { api, deploy, finalVerdict };
}
