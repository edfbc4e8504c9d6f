import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

export const MIN = 60_000;
export const START = Date.parse("2026-11-21T12:00:00Z");

/** A release of pay whose error rate jumps from 0.5 % to 6 %; judged final "fail" once the clock passes its window. */
export async function failingRelease(s: TestService, version = "3"): Promise<string> {
  await s.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "pay", start: START - 60 * MIN, minutes: 60, perMinute: 300, errorRate: 0.005, latencyMs: 80, seed: 5 }) });
  await s.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "pay", start: START, minutes: 35, perMinute: 300, errorRate: 0.06, latencyMs: 80, seed: 6 }) });
  await s.request("POST", "/api/v1/deploys", { service: "pay", version, phase: "started", timestamp: START });
  const res = await s.request("POST", "/api/v1/deploys", { service: "pay", version, phase: "finished", timestamp: START + MIN });
  return ((await res.json()) as { release_id: string }).release_id;
}

/** A release that is only reported, never judged. */
export async function reportedRelease(s: TestService, service: string, version: string): Promise<string> {
  const res = await s.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: START - 120 * MIN });
  return ((await res.json()) as { release_id: string }).release_id;
}

export async function tokenFor(s: TestService, name: string, scope: "operator" | "read" | "ingest" | "admin"): Promise<string> {
  return ((await (await s.request("POST", "/api/v1/tokens", { name, scope })).json()) as { token: string }).token;
}

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A local HTTP receiver answering each request with the next status in `statuses` (the last one repeats). */
/** With `held`, every answer waits for it: a rollback stays running until the test lets it finish. */
export async function receiver(statuses: number[] = [200], held?: Promise<void>): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      got.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)]!;
      void (held ?? Promise.resolve()).then(() => res.writeHead(status).end(status < 300 ? "rolled back" : "deployer busy"));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}

/** The pay rule (a copy of the default) with a rollback action under actions. */
export const withRollback = (lines: string) => (yaml: string) => {
  const out = yaml.replace(/(\n {2}notify_on: [^\n]*)/, `$1\n  rollback:\n${lines.replace(/^/gm, "    ")}`);
  if (out === yaml) throw new Error("the default rule has no actions.notify_on line to put the rollback after");
  return out;
};
