import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { failingRelease, MIN, reportedRelease, START, tokenFor } from "./release-fixtures.ts";

let svc: TestService | undefined;
afterEach(() => svc?.close());

interface Verdict {
  status: string;
  final: boolean;
  engine_status: string;
  decided_at: string | null;
  summary: string;
  decision: { action: string; actor: string; reason: string; at: string; via: string; rollback: { status: string; message: string } | null } | null;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function verdictOf(s: TestService, id: string): Promise<Verdict> {
  return (await (await s.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Verdict;
}

describe("manual decisions", () => {
  it("lets an operator hold, approve and roll back a failing release, the gate following each while the engine's verdict stays visible", async () => {
    svc = createTestService({ now: START });
    const id = await failingRelease(svc);
    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    expect(await verdictOf(svc, id)).toMatchObject({ status: "fail", final: true, engine_status: "fail", decision: null });
    const op = bearer(await tokenFor(svc, "release-captain", "operator"));

    svc.clock.now = START + 41 * MIN;
    const held = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "  checking the payment provider  " }, op);
    expect(held.status).toBe(201);
    const heldDecision = { action: "hold", actor: "release-captain", reason: "checking the payment provider", at: "2026-11-21T12:41:00.000Z", via: "api", batch: null };
    expect(await held.json()).toMatchObject({ decision: heldDecision, verdict: { status: "hold", final: false, engine_status: "fail", decided_at: null } });
    expect(await verdictOf(svc, id)).toMatchObject({ status: "hold", final: false, engine_status: "fail", decision: heldDecision });

    svc.clock.now = START + 45 * MIN;
    const approved = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "provider outage, not our release" }, op);
    expect(approved.status).toBe(201);
    const v = await verdictOf(svc, id);
    expect(v).toMatchObject({ status: "pass", final: true, engine_status: "fail", decided_at: "2026-11-21T12:45:00.000Z" });
    expect(v.decision).toEqual({
      action: "approve", actor: "release-captain", reason: "provider outage, not our release", at: "2026-11-21T12:45:00.000Z", via: "api",
      batch: null, signal: null, feedback: null, rollback: null,
    });
    expect(v.summary).toMatch(/^Approved by release-captain: provider outage, not our release \(the engine's verdict: fail — /);

    // A later engine verdict is recorded and shown, but the person's decision is what the gate answers.
    const forced = await svc.request("POST", `/api/v1/releases/${id}/evaluate`);
    expect(await forced.json()).toMatchObject({ status: "pass", final: true, engine_status: "fail", decision: { action: "approve" } });
    const listed = (await (await svc.request("GET", "/api/v1/releases?service=pay")).json()) as { releases: { status: string; engine_status: string }[] };
    expect(listed.releases[0]).toMatchObject({ status: "pass", engine_status: "fail" });

    svc.clock.now = START + 50 * MIN;
    const rolled = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "refunds fail after all" }, op);
    expect(rolled.status).toBe(201);
    // The default rule has no rollback action: the gate says fail, and nothing claims a rollback happened.
    const notConfigured = { status: "not_configured", message: "No rollback is configured for rule 'default'; roll back by hand." };
    expect(await rolled.json()).toMatchObject({ rollback: notConfigured, decision: { action: "rollback", rollback: notConfigured } });
    const rolledView = await verdictOf(svc, id);
    expect(rolledView).toMatchObject({ status: "fail", final: true, engine_status: "fail", decision: { action: "rollback", rollback: notConfigured } });
    expect(rolledView.summary).toMatch(/^Roll back asked by release-captain — roll back by hand: refunds fail after all\. No rollback is configured for rule 'default'; roll back by hand\. \(the engine's verdict: fail/);
    expect(rolledView.summary).not.toMatch(/Rolled back/);

    const again = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "try again" }, op);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toBe(
      "pay 3 (production) was marked for rollback by release-captain at 2026-11-21T12:50:00.000Z; a rolled-back release cannot be approved; deploy a fixed version instead.",
    );

    const all = (await (await svc.request("GET", `/api/v1/releases/${id}/audit`)).json()) as { events: { kind: string; actor: string; at: string; data: Record<string, unknown>; message: string }[] };
    // The fixture lays its traffic down after the minutes closed: the verdict's late-data entry is tested in test/tokens.
    const audit = { events: all.events.filter((e) => e.kind !== "late_data") };
    expect(audit.events.map((e) => [e.kind, e.actor, e.at])).toEqual([
      ["decision", "release-captain", "2026-11-21T12:50:00.000Z"],
      ["evaluation_forced", "admin (DEPLOY_GUARD_API_TOKEN)", "2026-11-21T12:45:00.000Z"],
      ["decision", "release-captain", "2026-11-21T12:45:00.000Z"],
      ["decision", "release-captain", "2026-11-21T12:41:00.000Z"],
    ]);
    expect(audit.events[0]!.data).toEqual({ action: "rollback", reason: "refunds fail after all", via: "api", engine_status: "fail", gate_status: "fail", rollback: notConfigured });
    expect(audit.events[0]!.message).toBe("Roll back asked by release-captain — roll back by hand via api: \"refunds fail after all\". No rollback is configured for rule 'default'; roll back by hand.");
    expect(audit.events[3]!.data).toMatchObject({ action: "hold", reason: "checking the payment provider" });
  });

  it("carries the release's decision into its batch gate", async () => {
    svc = createTestService({ now: START });
    await svc.request("POST", "/api/v1/deploys", { service: "cart", version: "9", phase: "started", timestamp: START - 30 * MIN, batch: { index: 1, total: 2, hosts: ["web-1"] } });
    const res = await svc.request("POST", "/api/v1/deploys", { service: "cart", version: "9", phase: "finished", timestamp: START - 29 * MIN, batch: { index: 1, total: 2, hosts: ["web-1"] } });
    const id = ((await res.json()) as { release_id: string }).release_id;
    await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "hotfix, approved by the incident lead" });
    const batch = (await (await svc.request("GET", `/api/v1/releases/${id}/batches/1/verdict`)).json()) as Verdict;
    expect(batch).toMatchObject({ status: "pass", final: true, decision: { action: "approve", actor: "admin (DEPLOY_GUARD_API_TOKEN)" } });
    expect(batch.engine_status).not.toBe("pass");
  });

  it("lists every decision through the service, newest first, and refuses the same decision twice", async () => {
    svc = createTestService({ now: START });
    const id = await reportedRelease(svc, "search", "7");
    const decisions = svc.container.decisions;
    await decisions.decide({ releaseId: id, action: "hold", reason: "wait for the DBA", actor: "U123 (alice)", via: "slack" });
    svc.clock.now += MIN;
    await decisions.decide({ releaseId: id, action: "approve", reason: "DBA says go", actor: "alice", via: "dashboard" });
    expect((await decisions.list(id)).map((d) => [d.action, d.actor, d.via])).toEqual([["approve", "alice", "dashboard"], ["hold", "U123 (alice)", "slack"]]);
    expect(await decisions.current(id)).toMatchObject({ action: "approve" });
    await expect(decisions.decide({ releaseId: id, action: "approve", reason: "again", actor: "bob", via: "cli" })).rejects.toThrow(/already approved by alice at 2026-11-21T12:01:00.000Z/);
    await expect(decisions.decide({ releaseId: "rel_nope", action: "hold", reason: "x", actor: "bob", via: "cli" })).rejects.toThrow(/No release with id 'rel_nope'/);
  });
});

describe("decision access and input", () => {
  it("needs an operator token: no token 401, read or ingest token 403", async () => {
    svc = createTestService({ now: START });
    const id = await reportedRelease(svc, "search", "7");
    const body = JSON.stringify({ action: "approve", reason: "looks fine" });
    const noToken = await svc.app.request(`/api/v1/releases/${id}/decision`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("content-type")).toBe("application/problem+json");
    for (const scope of ["read", "ingest"] as const) {
      const res = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "looks fine" }, bearer(await tokenFor(svc, scope, scope)));
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toBe(`This endpoint needs a token with the 'operator' scope; this token has '${scope}'.`);
    }
    expect(await svc.container.decisions.current(id)).toBeNull();
  });

  it("answers 422 naming the field for a bad action or an empty or overlong reason, and 404 for an unknown release", async () => {
    svc = createTestService({ now: START });
    const id = await reportedRelease(svc, "search", "7");
    const cases: [unknown, string][] = [
      [{ action: "promote", reason: "x" }, "action"],
      [{ action: "approve", reason: "   " }, "reason"],
      [{ action: "approve" }, "reason"],
      [{ action: "approve", reason: "x".repeat(1001) }, "reason"],
      [{ action: "approve", reason: "ok", extra: 1 }, "(body)"],
    ];
    for (const [body, path] of cases) {
      const res = await svc.request("POST", `/api/v1/releases/${id}/decision`, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as { errors: { path: string }[] };
      expect(problem.errors[0]!.path).toBe(path);
    }
    const missing = await svc.request("POST", "/api/v1/releases/rel_unknown/decision", { action: "approve", reason: "ok" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toBe("No release with id 'rel_unknown'.");
    expect(await svc.container.audit.ofRelease(id)).toEqual([]);
  });
});

describe("audit log API", () => {
  it("lists events across releases newest first, by service and since, behind a read token", async () => {
    svc = createTestService({ now: START });
    const a = await reportedRelease(svc, "search", "7");
    const b = await reportedRelease(svc, "cart", "2");
    await svc.request("POST", `/api/v1/releases/${a}/decision`, { action: "hold", reason: "one" });
    svc.clock.now += 10 * MIN;
    await svc.request("POST", `/api/v1/releases/${b}/decision`, { action: "hold", reason: "two" });
    const read = bearer(await tokenFor(svc, "viewer", "read"));
    const get = async (q: string) => (await (await svc!.request("GET", `/api/v1/audit${q}`, undefined, read)).json()) as { events: { release_id: string }[] };
    expect((await get("")).events.map((e) => e.release_id)).toEqual([b, a]);
    expect((await get("?service=search")).events.map((e) => e.release_id)).toEqual([a]);
    expect((await get("?since=2026-11-21T12:05:00Z")).events.map((e) => e.release_id)).toEqual([b]);
    expect((await get(`?since=${START + 5 * MIN}&limit=1`)).events.map((e) => e.release_id)).toEqual([b]);
    const bad = await svc.request("GET", "/api/v1/audit?since=yesterday", undefined, read);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("query.since");
    expect((await svc.app.request("/api/v1/audit")).status).toBe(401);
    expect((await svc.request("GET", "/api/v1/releases/rel_unknown/audit")).status).toBe(404);
    const doc = (await (await svc.app.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/releases/{id}/decision", "/api/v1/releases/{id}/audit", "/api/v1/audit"]));
  });
});
