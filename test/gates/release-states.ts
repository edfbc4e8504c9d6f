import { expect } from "vitest";
import type { TestService } from "../support/test-service.ts";

const MIN = 60_000;
export const STATUSES = ["pending", "analyzing", "pass", "warn", "fail", "hold"] as const;
export type GateStatus = (typeof STATUSES)[number];

async function deploy(svc: TestService, service: string, version: string, phase: string, timestamp: number): Promise<string> {
  const res = await svc.request("POST", "/api/v1/deploys", { service, version, phase, timestamp });
  expect(res.status).toBe(202);
  return ((await res.json()) as { release_id: string }).release_id;
}

/**
 * One release of `service` in each gate status, version = the status name, through the real API: deploy events,
 * a forced evaluation with no telemetry (hold, once the default rule's longest window of 4 hours has passed), an
 * operator's approval (pass). Only warn is written into the database, since reaching it through the engine takes an
 * hour of tuned traffic and the gates read nothing else.
 */
export async function releasesInEveryStatus(svc: TestService, service: string): Promise<Record<GateStatus, string>> {
  const now = svc.clock.now;
  const ids = {} as Record<GateStatus, string>;
  ids.pending = await deploy(svc, service, "pending", "started", now - MIN);
  ids.analyzing = await deploy(svc, service, "analyzing", "started", now - 5 * MIN);
  await deploy(svc, service, "analyzing", "finished", now - 4 * MIN);
  ids.fail = await deploy(svc, service, "fail", "started", now - 9 * MIN);
  await deploy(svc, service, "fail", "failed", now - 8 * MIN);
  // The sequential default holds a release without data only at its longest window (240 minutes); the others are
  // judged after the first look (10 minutes) and stay analyzing until an operator or the fixture decides them.
  for (const [status, finishedAgo] of [["hold", 250], ["pass", 29], ["warn", 29]] as const) {
    ids[status] = await deploy(svc, service, status, "started", now - (finishedAgo + 1) * MIN);
    await deploy(svc, service, status, "finished", now - finishedAgo * MIN);
    expect((await svc.request("POST", `/api/v1/releases/${ids[status]}/evaluate`)).status).toBe(200);
  }
  expect((await svc.request("POST", `/api/v1/releases/${ids.pass}/decision`, { action: "approve", reason: "checked by hand" })).status).toBe(201);
  await svc.sql("UPDATE releases SET status = 'warn', summary = 'warn by fixture' WHERE id = ?").run(ids.warn);
  for (const status of STATUSES) {
    const v = (await (await svc.request("GET", `/api/v1/releases/${ids[status]}/verdict`)).json()) as { status: string };
    expect(v.status, `release ${status}`).toBe(status);
  }
  return ids;
}
