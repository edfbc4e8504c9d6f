import { expect } from "vitest";
import type { ServerProcess } from "../../support/server-process.ts";
import { generateTraffic, type LogRecord } from "../../support/traffic.ts";

export const MIN = 60_000;
const HOUR = 60 * MIN;

export interface Seeded {
  failing: string;
  passing: string;
  failingSummary: string;
}

async function call(server: ServerProcess, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function post(server: ServerProcess, token: string, events: LogRecord[]) {
  for (let i = 0; i < events.length; i += 10_000) {
    const res = await fetch(`${server.url}/api/v1/logs`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
      body: events.slice(i, i + 10_000).map((e) => JSON.stringify(e)).join("\n"),
    });
    expect(res.status).toBe(202);
  }
}

/** Two days of traffic that dip at 04:00 UTC, so the service page has a quietest hour to name. */
function daysOfTraffic(service: string, end: number, seed: number): LogRecord[] {
  const out: LogRecord[] = [];
  const start = Math.floor((end - 48 * HOUR) / HOUR) * HOUR;
  for (let h = start, i = 0; h < end; h += HOUR, i++) {
    const hour = new Date(h).getUTCHours();
    const perMinute = hour === 4 ? 4 : hour >= 2 && hour <= 6 ? 12 : 24;
    const minutes = Math.min(60, Math.floor((end - h) / MIN));
    out.push(...generateTraffic({ service, start: h, minutes, perMinute, errorRate: 0.005, latencyMs: 120, version: "1.0", seed: seed + i }));
  }
  return out;
}

/** Two releases replayed with past timestamps, so the server judges them at once: one fails, one passes. */
export async function seedReleases(server: ServerProcess, token: string, now = Date.now()): Promise<Seeded> {
  const deployStart = Math.floor((now - 50 * MIN) / MIN) * MIN;
  const ids: Record<string, string> = {};
  for (const [service, after, seed] of [["payments", { errorRate: 0.06, latencyMs: 170 }, 100], ["search", { errorRate: 0.005, latencyMs: 120 }, 200]] as const) {
    // The baseline hour has the same traffic for both, so the verdicts do not depend on the time of day the test runs.
    if (service === "search") await post(server, token, daysOfTraffic(service, deployStart - 60 * MIN, seed + 10));
    await post(server, token, generateTraffic({ service, start: deployStart - 60 * MIN, minutes: 60, perMinute: 150, errorRate: 0.005, latencyMs: 120, version: "1.0", seed }));
    await post(server, token, generateTraffic({ service, start: deployStart, minutes: 48, perMinute: 150, ...after, version: "2.0", seed: seed + 1 }));
    await call(server, token, "POST", "/api/v1/deploys", { service, version: "2.0", phase: "started", timestamp: deployStart, event_id: `${service}-start` });
    const done = await call(server, token, "POST", "/api/v1/deploys", { service, version: "2.0", phase: "finished", timestamp: deployStart + 2 * MIN, event_id: `${service}-end` });
    expect(done.status).toBe(202);
    ids[service] = done.body.release_id;
  }
  const verdict = async (id: string) => (await call(server, token, "GET", `/api/v1/releases/${id}/verdict`)).body;
  const deadline = Date.now() + 30_000;
  while (!((await verdict(ids.payments!)).final && (await verdict(ids.search!)).final)) {
    if (Date.now() > deadline) throw new Error("the seeded releases were not judged within 30 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  const failing = await verdict(ids.payments!);
  expect(failing.status).toBe("fail");
  expect((await verdict(ids.search!)).status).toBe("pass");
  return { failing: ids.payments!, passing: ids.search!, failingSummary: failing.summary };
}

export async function createToken(server: ServerProcess, admin: string, name: string, scope: "read" | "operator"): Promise<string> {
  const res = await call(server, admin, "POST", "/api/v1/tokens", { name, scope });
  expect(res.status).toBe(201);
  return res.body.token;
}

export async function auditOf(server: ServerProcess, token: string, id: string): Promise<any[]> {
  return (await call(server, token, "GET", `/api/v1/releases/${id}/audit`)).body.events;
}
