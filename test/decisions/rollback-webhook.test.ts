import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { failingRelease, MIN, receiver, reportedRelease, START, withRollback } from "./release-fixtures.ts";

const SECRET = "rollback-secret-0123456789";
let svc: TestService | undefined;
let servers: Server[] = [];
afterEach(() => {
  svc?.close();
  svc = undefined;
  servers.forEach((s) => s.close());
  servers = [];
});

async function serviceWithRollbackHook(statuses: number[]) {
  const hook = await receiver(statuses);
  servers.push(hook.server);
  const rules = rulesWith({ pay: { service: "pay", edit: withRollback(`webhook: { url: "${hook.url}/hooks/rollback?key=url-secret" }\ntimeout_seconds: 5\nmax_attempts: 3`) } });
  svc = createTestService({ now: START, rulesDir: rules, env: { DEPLOY_GUARD_ROLLBACK_SECRET: SECRET, DEPLOY_GUARD_PUBLIC_URL: "https://guard.example.com" } });
  return { svc, hook };
}

function verifySignature(header: string, body: string, secret: string): { t: number; ok: boolean } {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=") as [string, string]));
  const expected = createHmac("sha256", secret).update(`${parts.t}.${body}`).digest("hex");
  return { t: Number(parts.t), ok: expected === parts.v1 };
}

const rollbackRows = async (s: TestService) => (await s.sql("SELECT release_id, status, attempts, last_error FROM rollbacks").all());

describe("rollback webhook on a final fail", () => {
  it("POSTs a signed payload exactly once, and never again when the job re-runs or the fail is judged again", async () => {
    const { svc, hook } = await serviceWithRollbackHook([200]);
    const previous = await reportedRelease(svc, "pay", "2");
    await svc.request("POST", `/api/v1/releases/${previous}/decision`, { action: "approve", reason: "good release" });
    const id = await failingRelease(svc);
    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    await svc.container.rollbacks.runDue();

    expect(hook.got).toHaveLength(1);
    const { method, path, headers, body } = hook.got[0]!;
    expect([method, path]).toEqual(["POST", "/hooks/rollback?key=url-secret"]);
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["x-deploy-guard-event"]).toBe("rollback");
    expect(headers["idempotency-key"]).toBe(`rollback-${id}`);
    const signature = verifySignature(String(headers["x-deploy-guard-signature"]), body, SECRET);
    expect(signature).toEqual({ t: Math.floor((START + 40 * MIN) / 1000), ok: true });
    expect(verifySignature(String(headers["x-deploy-guard-signature"]), body, "another-secret-0123456789").ok).toBe(false);
    const payload = JSON.parse(body) as Record<string, unknown>;
    expect(payload).toEqual({
      type: "rollback", release_id: id, service: "pay", environment: "production", version: "3", previous_version: "2",
      status: "fail", summary: expect.stringMatching(/should be rolled back/), release_url: `https://guard.example.com/releases/${id}`,
      requested_by: "verdict", actor: "deploy-guard", reason: null, requested_at: "2026-11-21T12:40:00.000Z", attempt: 1,
    });

    // The job again, later; the fail judged again; a rollback decision on top: still one POST.
    svc.clock.now += 30 * MIN;
    await svc.container.rollbacks.runDue();
    expect((await svc.request("POST", `/api/v1/releases/${id}/evaluate`)).status).toBe(200);
    const decision = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "make sure" });
    expect(decision.status).toBe(409);
    expect(((await decision.json()) as { detail: string }).detail).toMatch(/^A rollback of pay 3 \(production\) was already requested at 2026-11-21T12:40:00.000Z by its fail verdict \(it is succeeded\)\.$/);
    svc.clock.now += 30 * MIN;
    await svc.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(1);
    expect(await rollbackRows(svc)).toEqual([{ release_id: id, status: "succeeded", attempts: 1, last_error: null }]);

    const all = (await (await svc.request("GET", `/api/v1/releases/${id}/audit`)).json()) as { events: { kind: string; message: string; data: Record<string, unknown> }[] };
    // The fixture lays its traffic down after the minutes closed: late data is tested in test/tokens.
    const audit = { events: all.events.filter((e) => e.kind !== "late_data") };
    expect(audit.events.map((e) => e.kind)).toEqual(["evaluation_forced", "rollback_attempt", "rollback_requested"]);
    expect(audit.events[1]!.message).toBe(`Rollback attempt 1 of 3 via the webhook at ${new URL(hook.url).host}: succeeded.`);
    expect(audit.events[1]!.data).toMatchObject({ attempt: 1, outcome: "succeeded", status: "succeeded", http_status: 200 });
    expect(audit.events[2]!.data).toMatchObject({ requested_by: "verdict", previous_version: "2", rule: "pay" });
    const shown = JSON.stringify(audit);
    expect(shown).not.toContain("url-secret");
    expect(shown).not.toContain(SECRET);
  });

  it("retries a receiver that answers 500 with backoff and records both attempts in the audit log", async () => {
    const { svc, hook } = await serviceWithRollbackHook([500, 200]);
    const id = await failingRelease(svc);
    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    // The verdict is stored before, and whatever, the rollback target answers.
    expect((await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as object).toMatchObject({ status: "fail", final: true });
    await svc.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(1);
    expect(await rollbackRows(svc)).toEqual([{ release_id: id, status: "pending", attempts: 1, last_error: `${new URL(hook.url).host} answered 500` }]);

    await svc.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(1);
    svc.clock.now += 10 * MIN;
    await svc.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(2);
    expect((JSON.parse(hook.got[1]!.body) as { attempt: number }).attempt).toBe(2);
    expect(verifySignature(String(hook.got[1]!.headers["x-deploy-guard-signature"]), hook.got[1]!.body, SECRET).ok).toBe(true);
    expect(await rollbackRows(svc)).toEqual([{ release_id: id, status: "succeeded", attempts: 2, last_error: null }]);

    const events = (await svc.container.audit.ofRelease(id)).filter((e) => e.kind === "rollback_attempt");
    expect(events.map((e) => [e.data.attempt, e.data.outcome, e.data.http_status])).toEqual([[2, "succeeded", 200], [1, "failed", 500]]);
    expect(events[1]!.message).toMatch(new RegExp(`^Rollback attempt 1 of 3 via the webhook at ${new URL(hook.url).host}: failed \\(${new URL(hook.url).host} answered 500\\); retrying at 2026-11-21T12:40:0\\d\\.\\d{3}Z\\.$`));
  });

  it("rolls back on an operator's rollback decision, naming the operator and reason", async () => {
    const { svc, hook } = await serviceWithRollbackHook([200]);
    const id = await reportedRelease(svc, "pay", "5");
    const res = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "customers report double charges" });
    expect(res.status).toBe(201);
    await svc.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(1);
    expect(JSON.parse(hook.got[0]!.body)).toMatchObject({
      release_id: id, version: "5", status: "fail", requested_by: "decision", actor: "admin (DEPLOY_GUARD_API_TOKEN)", reason: "customers report double charges",
      summary: "Rollback requested by admin (DEPLOY_GUARD_API_TOKEN): customers report double charges",
    });
  });

  it("does not roll back a release an operator approved or is holding when its fail verdict comes", async () => {
    const { svc, hook } = await serviceWithRollbackHook([200]);
    const id = await failingRelease(svc);
    await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "watching it myself" });
    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    await svc.container.rollbacks.runDue();
    expect(hook.got).toHaveLength(0);
    expect((await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as object).toMatchObject({ status: "hold", final: false, engine_status: "fail" });
  });

  it("refuses at rules load a rollback webhook when DEPLOY_GUARD_ROLLBACK_SECRET is not set", () => {
    const rules = rulesWith({ pay: { service: "pay", edit: withRollback('webhook: { url: "https://deployer.example.com/rollback" }') } });
    expect(() => createTestService({ rulesDir: rules })).toThrow(
      "rule 'pay': actions.rollback.webhook: set DEPLOY_GUARD_ROLLBACK_SECRET in the environment to sign rollback webhooks (secrets never go in a rule file)",
    );
  });
});
