import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
afterEach(() => svc?.close());

async function createToken(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await svc.request("POST", "/api/v1/tokens", body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const event = (service: string, environment = "production", at = svc.clock.now) => ({ timestamp: at, service, environment, status: 200, latency_ms: 12 });
const countOf = async (sql: string) => (await svc.sql<{ n: number }>(sql).get())!.n;
const logRows = () => countOf("SELECT count(*) AS n FROM log_events");

async function problem(res: Response, status: number): Promise<{ detail: string; errors?: { path: string }[] }> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  return (await res.json()) as { detail: string; errors?: { path: string }[] };
}

describe("tokens limited to services and environments", () => {
  it("refuses a log batch with one record of another service whole, naming the record and the service", async () => {
    svc = createTestService();
    const { token } = await createToken({ name: "pay shipper", scope: "ingest", services: ["pay-*"], environments: ["production"] });
    expect((await svc.request("POST", "/api/v1/logs", { events: [event("pay-api"), event("pay-worker")] }, as(token))).status).toBe(202);
    const before = await logRows();
    const body = await problem(await svc.request("POST", "/api/v1/logs", { events: [event("pay-api"), event("pay-api"), event("checkout")] }, as(token)), 403);
    expect(body.detail).toContain("events[2]");
    expect(body.detail).toContain("service 'checkout'");
    expect(await logRows()).toBe(before);
  });

  it("refuses metrics and deploys in an environment outside the token's", async () => {
    svc = createTestService();
    const { token } = await createToken({ name: "staging ci", scope: "ingest", environments: ["staging*"] });
    const sample = { name: "queue_depth", value: 3, timestamp: svc.clock.now, service: "shop", environment: "production" };
    expect((await problem(await svc.request("POST", "/api/v1/metrics", { samples: [sample] }, as(token)), 403)).detail).toContain("environment 'production'");
    const deploy = { service: "shop", environment: "production", version: "1.0.0", phase: "started" };
    expect((await problem(await svc.request("POST", "/api/v1/deploys", deploy, as(token)), 403)).detail).toContain("environment 'production'");
    expect((await svc.request("POST", "/api/v1/deploys", { ...deploy, environment: "staging-eu" }, as(token))).status).toBe(202);
    expect(await countOf("SELECT count(*) AS n FROM releases WHERE environment = 'production'")).toBe(0);
  });

  it("limits a deploy tool's webhook that sends a limited token too (a production-only token, a Jenkins job deploying to staging)", async () => {
    svc = createTestService();
    const { token } = await createToken({ name: "jenkins", scope: "ingest", environments: ["production"] });
    const job = readFileSync(new URL("../fixtures/webhooks/jenkins/deploy-job-started.json", import.meta.url), "utf8");
    const res = await svc.request("POST", "/api/v1/webhooks/jenkins", job, { ...as(token), "content-type": "application/json" });
    expect((await problem(res, 403)).detail).toContain("environment 'staging'");
    expect(await countOf("SELECT count(*) AS n FROM deploy_events")).toBe(0);
  });

  it("lists only the releases and audit entries of the token's services", async () => {
    svc = createTestService();
    for (const service of ["shop", "search"]) {
      const res = await svc.request("POST", "/api/v1/deploys", { service, version: "1.0.0", phase: "failed" });
      const id = ((await res.json()) as { release_id: string }).release_id;
      const marked = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "mark_wrong", feedback: "false_fail", reason: "a flaky tool" });
      expect(marked.status).toBe(201);
    }
    const { token } = await createToken({ name: "shop reader", scope: "read", services: ["shop"] });
    const releases = (await (await svc.request("GET", "/api/v1/releases", undefined, as(token))).json()) as { releases: { service: string }[] };
    expect(releases.releases.map((r) => r.service)).toEqual(["shop"]);
    const all = (await (await svc.request("GET", "/api/v1/releases")).json()) as { releases: { service: string }[] };
    expect(all.releases.map((r) => r.service).sort()).toEqual(["search", "shop"]);
    const audit = (await (await svc.request("GET", "/api/v1/audit", undefined, as(token))).json()) as { events: { service: string }[] };
    expect(audit.events.length).toBeGreaterThan(0);
    expect(audit.events.every((e) => e.service === "shop")).toBe(true);
  });

  it("refuses decisions, evaluations and gates on a release of another service", async () => {
    svc = createTestService();
    const res = await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "2.0.0", phase: "started" });
    const releaseId = ((await res.json()) as { release_id: string }).release_id;
    const { token } = await createToken({ name: "pay on-call", scope: "operator", services: ["pay"] });
    const decide = await svc.request("POST", `/api/v1/releases/${releaseId}/decision`, { action: "approve", reason: "looks fine" }, as(token));
    expect((await problem(decide, 403)).detail).toContain("service 'checkout'");
    await problem(await svc.request("POST", `/api/v1/releases/${releaseId}/evaluate`, undefined, as(token)), 403);
    await problem(await svc.request("GET", "/api/v1/services/checkout/gate", undefined, as(token)), 403);
    await problem(await svc.request("GET", "/api/v1/gates/verdict?service=checkout&version=2.0.0", undefined, as(token)), 403);
    expect((await svc.request("GET", "/api/v1/services/pay/gate", undefined, as(token))).status).toBe(200);
    expect(await countOf("SELECT count(*) AS n FROM release_decisions")).toBe(0);
  });

  it("refuses a limit on an admin token and a glob with other characters", async () => {
    svc = createTestService();
    await problem(await svc.request("POST", "/api/v1/tokens", { name: "x", scope: "admin", services: ["pay"] }), 422);
    await problem(await svc.request("POST", "/api/v1/tokens", { name: "x", scope: "ingest", services: ["pay|.*"] }), 422);
  });
});

describe("listing and revoking tokens", () => {
  it("lists tokens with their limits and last use, never a secret or its hash", async () => {
    svc = createTestService();
    const { id, token } = await createToken({ name: "pay shipper", scope: "ingest", services: ["pay"] });
    await svc.request("POST", "/api/v1/logs", { events: [event("pay")] }, as(token));
    const res = await svc.request("GET", "/api/v1/tokens");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/hash/i);
    const listed = (JSON.parse(text) as { tokens: Record<string, unknown>[] }).tokens.find((t) => t.id === id);
    expect(listed).toEqual({
      id, name: "pay shipper", scope: "ingest", services: ["pay"], environments: null,
      created_at: new Date(svc.clock.now).toISOString(), last_used_at: new Date(svc.clock.now).toISOString(), revoked_at: null,
    });
  });

  it("refuses a revoked token at the very next request, though it worked a moment before", async () => {
    svc = createTestService();
    const { id, token } = await createToken({ name: "release bot", scope: "operator" });
    expect((await svc.request("GET", "/api/v1/releases", undefined, as(token))).status).toBe(200);
    expect((await svc.request("DELETE", `/api/v1/tokens/${id}`)).status).toBe(204);
    await problem(await svc.request("GET", "/api/v1/releases", undefined, as(token)), 401);
    await problem(await svc.request("POST", "/api/v1/releases/rel_x/decision", { action: "rollback", reason: "now" }, as(token)), 401);
  });

  it("refuses a token deleted straight from the database at the next request, without a restart", async () => {
    svc = createTestService();
    const { id, token } = await createToken({ name: "release bot", scope: "operator" });
    expect((await svc.request("GET", "/api/v1/releases", undefined, as(token))).status).toBe(200);
    (await svc.sql("DELETE FROM api_tokens WHERE id = ?").run(id));
    await problem(await svc.request("GET", "/api/v1/releases", undefined, as(token)), 401);
  });

  it("answers 404 for an unknown token id and 403 to a non-admin", async () => {
    svc = createTestService();
    const { token } = await createToken({ name: "ops", scope: "operator" });
    await problem(await svc.request("DELETE", "/api/v1/tokens/nope"), 404);
    await problem(await svc.request("GET", "/api/v1/tokens", undefined, as(token)), 403);
  });
});
