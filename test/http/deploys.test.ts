import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService();
});
afterEach(() => svc.close());

const T0 = Date.parse("2026-11-21T11:00:00Z");

async function post(body: unknown) {
  const res = await svc.request("POST", "/api/v1/deploys", body);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("POST /api/v1/deploys", () => {
  it("opens a release on started and computes its windows on finished", async () => {
    const started = await post({ service: "checkout", version: "1.2.3", phase: "started", timestamp: "2026-11-21T11:00:30Z", tool: "jenkins" });
    expect(started.status).toBe(202);
    expect(started.body.release_id).toMatch(/^rel_/);
    const finished = await post({ service: "checkout", version: "1.2.3", phase: "finished", timestamp: T0 + 5 * 60_000 + 10_000 });
    expect(finished.body).toMatchObject({ release_id: started.body.release_id, deploy_id: started.body.deploy_id, duplicate: false });

    const release = (await (await svc.request("GET", `/api/v1/releases/${started.body.release_id}`)).json()) as Record<string, any>;
    expect(release).toMatchObject({ status: "analyzing", environment: "production", rule: "default" });
    // Baseline: the 60 whole minutes before the start; analysis: from the first whole minute after the finish, for at
    // most the default rule's longest sequential window (240 minutes); the verdict says where it was decided.
    expect(release.baseline).toEqual({ start: "2026-11-21T10:00:00.000Z", end: "2026-11-21T11:00:00.000Z" });
    expect(release.analysis).toEqual({ start: "2026-11-21T11:06:00.000Z", end: "2026-11-21T15:06:00.000Z" });
    expect(release.deploys).toHaveLength(1);
    expect(release.deploys[0]).toMatchObject({ status: "finished", tool: "jenkins" });
  });

  it("accepts a re-sent event once", async () => {
    const event = { service: "cart", version: "7", phase: "started", event_id: "ev-1", timestamp: T0 };
    const first = await post(event);
    const again = await post(event);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    const count = (await svc.sql("SELECT count(*) AS n FROM deploy_events").get()) as { n: number };
    expect(count.n).toBe(1);
  });

  it("records the batches of a rolling deploy and finishes the deploy with the last batch", async () => {
    const base = { service: "ledger", version: "2.0", deploy_id: "roll-42" };
    await post({ ...base, phase: "started", timestamp: T0, batch: { index: 1, total: 2, hosts: ["h1", "h2"] } });
    await post({ ...base, phase: "finished", timestamp: T0 + 60_000, batch: { index: 1, total: 2 } });
    const mid = (await (await svc.request("GET", "/api/v1/releases?service=ledger")).json()) as { releases: { status: string; id: string }[] };
    expect(mid.releases[0]!.status).toBe("pending");
    await post({ ...base, phase: "started", timestamp: T0 + 120_000, batch: { index: 2, total: 2, hosts: ["h3", "h4"] } });
    const done = await post({ ...base, phase: "finished", timestamp: T0 + 180_000, batch: { index: 2, total: 2 } });
    expect(done.body.deploy_id).toBe("roll-42");
    const release = (await (await svc.request("GET", `/api/v1/releases/${done.body.release_id}`)).json()) as Record<string, any>;
    expect(release.status).toBe("analyzing");
    expect(release.deploys[0].batches.map((b: any) => [b.index, b.status, b.hosts])).toEqual([
      [1, "finished", ["h1", "h2"]],
      [2, "finished", ["h3", "h4"]],
    ]);
  });

  it("closes the open deploy of the same release when finished has no deploy_id", async () => {
    const a = await post({ service: "api", environment: "staging", version: "9", phase: "started", timestamp: T0 });
    const b = await post({ service: "api", environment: "staging", version: "9", phase: "finished", timestamp: T0 + 60_000 });
    expect(b.body.deploy_id).toBe(a.body.deploy_id);
    const other = await post({ service: "api", environment: "production", version: "9", phase: "started", timestamp: T0 });
    expect(other.body.release_id).not.toBe(a.body.release_id);
  });

  it("marks the release failed with a sentence when the deploy tool reports a failure", async () => {
    const a = await post({ service: "api", version: "10", phase: "started", timestamp: T0 });
    await post({ service: "api", version: "10", phase: "failed", timestamp: T0 + 60_000, tool: "argo-cd" });
    const v = (await (await svc.request("GET", `/api/v1/releases/${a.body.release_id}/verdict`)).json()) as Record<string, any>;
    expect(v).toMatchObject({ status: "fail", final: true });
    expect(v.summary).toContain("The deploy itself failed (reported by argo-cd)");
  });

  it("never reopens a deploy that has ended, whatever is re-sent without an event_id", async () => {
    const a = await post({ service: "api", version: "12", phase: "started", timestamp: T0 });
    await post({ service: "api", version: "12", phase: "failed", timestamp: T0 + 120_000 });
    const again = await post({ service: "api", version: "12", phase: "failed", timestamp: T0 + 180_000 });
    expect(again.body.deploy_id).toBe(a.body.deploy_id);
    const finishedAgain = await post({ service: "api", version: "12", phase: "finished", timestamp: T0 + 240_000 });
    expect(finishedAgain.body.deploy_id).toBe(a.body.deploy_id);
    const release = (await (await svc.request("GET", `/api/v1/releases/${a.body.release_id}`)).json()) as Record<string, any>;
    expect(release.deploys).toHaveLength(1);
    expect(release.deploys[0].status).toBe("failed");
    expect(release.status).toBe("fail");
    expect((await svc.sql("SELECT count(*) AS n FROM evaluations").get())).toEqual({ n: 1 });
    // A roll-back after the failure is still recorded.
    await post({ service: "api", version: "12", phase: "rolled_back", timestamp: T0 + 300_000 });
    const after = (await (await svc.request("GET", `/api/v1/releases/${a.body.release_id}`)).json()) as Record<string, any>;
    expect(after.deploys[0].status).toBe("rolled_back");
    expect(after.summary).toMatch(/^The release was rolled back/);
  });

  it("defaults the timestamp to now", async () => {
    const a = await post({ service: "api", version: "11", phase: "started" });
    const r = (await (await svc.request("GET", `/api/v1/releases/${a.body.release_id}`)).json()) as Record<string, any>;
    expect(r.deploy_started_at).toBe(new Date(svc.clock.now).toISOString());
  });
});
