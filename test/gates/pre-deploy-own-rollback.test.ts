import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { receiver, withRollback } from "../decisions/release-fixtures.ts";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const MIN = 60_000;
let svc: TestService | undefined;
let hook: Server | undefined;
afterEach(() => {
  svc?.close();
  hook?.close();
});

async function gate(s: TestService) {
  const res = await s.request("GET", "/api/v1/services/shop/gate?environment=production");
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; checks: { check: string; status: string; reason: string }[] };
}

async function failedShop(statuses: number[], held?: Promise<void>) {
  const r = await receiver(statuses, held);
  hook = r.server;
  const rules = rulesWith({ shop: { service: "shop", edit: withRollback(`webhook: { url: "${r.url}/rollback" }\nmax_attempts: 2`) } });
  svc = createTestService({ now: NOW, rulesDir: rules, env: { DEPLOY_GUARD_ROLLBACK_SECRET: "rollback-secret-0123456789" } });
  await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "2.0.0", phase: "started", timestamp: NOW - 20 * MIN });
  const res = await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "2.0.0", phase: "failed", timestamp: NOW - 18 * MIN });
  return { s: svc, id: ((await res.json()) as { release_id: string }).release_id, got: r.got };
}

describe("pre-deploy gate after deploy-guard's own rollback", () => {
  it("lets new deploys start once deploy-guard's rollback succeeded, as a tool-reported rollback does", async () => {
    // The deployer answers only when the test says so: the rollback, started right after the decision commits, stays running.
    let answer!: () => void;
    const { s, id, got } = await failedShop([200], new Promise<void>((r) => (answer = r)));
    expect((await gate(s)).status).toBe("hold");
    const decided = await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "checkout errors" });
    expect(decided.status).toBe(201);
    expect(await decided.json()).toMatchObject({ rollback: { status: "requested" }, verdict: { status: "fail" } });
    // Queued, not yet run: still no deploys, and the gate says why.
    const waiting = await gate(s);
    expect(waiting.status).toBe("hold");
    expect(waiting.checks[0]!.reason).toMatch(/has not been rolled back: deploy-guard's rollback is still running\./);

    answer();
    await s.container.rollbacks.runDue();
    let after = await gate(s);
    for (let i = 0; i < 200 && after.status !== "pass"; i++) {
      await new Promise((r) => setTimeout(r, 25));
      after = await gate(s);
    }
    expect(got).toHaveLength(1);
    expect(after.status).toBe("pass");
    expect(after.checks[0]).toMatchObject({ check: "open_verdict", status: "pass", reason: "The running release 2.0.0 failed but deploy-guard rolled it back." });
    const verdict = (await (await s.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { summary: string; decision: { rollback: { status: string } } };
    expect(verdict.decision.rollback.status).toBe("done");
    expect(verdict.summary).toMatch(/^Rolled back by admin \(DEPLOY_GUARD_API_TOKEN\): checkout errors \(the engine's verdict: fail/);
  });

  it("keeps holding when deploy-guard's rollback failed, and says so", async () => {
    const { s, id } = await failedShop([400]);
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "rollback", reason: "checkout errors" })).status).toBe(201);
    await s.container.rollbacks.runDue();
    const held = await gate(s);
    expect(held.status).toBe("hold");
    expect(held.checks[0]!.reason).toMatch(/deploy-guard's rollback failed\./);
    const verdict = (await (await s.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { summary: string };
    expect(verdict.summary).toMatch(/^Roll back asked by admin \(DEPLOY_GUARD_API_TOKEN\) — deploy-guard's rollback failed; roll back by hand: checkout errors\. deploy-guard's rollback failed/);
  });
});
