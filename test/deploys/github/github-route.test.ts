import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { fixtureText, sign, WEBHOOK_SECRET } from "./github-support.ts";

let svc: TestService | undefined;
afterEach(() => {
  svc?.close();
  svc = undefined;
});

const SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";

/** Exactly what GitHub sends: no API token, its own headers, the body bytes as recorded. */
function deliver(s: TestService, event: string, body: string, signature: string | null = sign(body), delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") {
  const headers: Record<string, string> = { "content-type": "application/json", "x-github-event": event, "x-github-delivery": delivery, "user-agent": "GitHub-Hookshot/044aadd" };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return Promise.resolve(s.app.request("/api/v1/webhooks/github", { method: "POST", headers, body }));
}

const count = async (s: TestService, table: string) => ((await s.sql(`SELECT count(*) AS n FROM ${table}`).get()) as { n: number }).n;

describe("POST /api/v1/webhooks/github", () => {
  it("records octokit's deployment and deployment_status deliveries as one deploy, started then finished, once each", async () => {
    // The recorded deliveries are from May 2019: the clock is just after them (older events than the retention are refused).
    svc = createTestService({ env: { DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET }, now: Date.parse("2019-05-15T15:30:00Z") });
    const created = await deliver(svc, "deployment", fixtureText("deployment__payload.json"));
    expect(created.status).toBe(202);
    const body = (await created.json()) as { accepted: { release_id: string; deploy_id: string; duplicate: boolean }[] };
    expect(body.accepted).toEqual([{ release_id: expect.any(String), deploy_id: "github-145988746", duplicate: false }]);

    const status = fixtureText("deployment_status__payload.json");
    expect(await (await deliver(svc, "deployment_status", status)).json()).toEqual({ accepted: [{ ...body.accepted[0], duplicate: false }] });
    expect(await (await deliver(svc, "deployment_status", status, sign(status), "a-redelivery")).json()).toEqual({ accepted: [{ ...body.accepted[0], duplicate: true }] });

    const release = (await svc.sql("SELECT service, environment, version, status, deploy_started_at, deploy_finished_at FROM releases").all());
    expect(release).toEqual([{
      service: "Codertocat/Hello-World", environment: "production", version: SHA, status: "analyzing",
      deploy_started_at: Date.parse("2019-05-15T15:20:53Z"), deploy_finished_at: Date.parse("2019-05-15T15:20:55Z"),
    }]);
  });

  it("says why a push is ignored", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    const res = await deliver(svc, "push", fixtureText("push__payload.json"));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: [], ignored: 'GitHub event "push" carries no deploy for the guard; send deployment and deployment_status' });
  });

  it.each([
    ["missing", null],
    ["wrong", sign("{}")],
    ["signed with another secret", sign(fixtureText("deployment__payload.json"), "not-the-secret-0123456789")],
  ])("answers 401 problem+json to a %s X-Hub-Signature-256 and stores nothing", async (_what, signature) => {
    svc = createTestService({ env: { DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    const res = await deliver(svc, "deployment", fixtureText("deployment__payload.json"), signature);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("UNAUTHORIZED");
    expect(problem.detail).toMatch(/X-Hub-Signature-256/);
    expect(JSON.stringify(problem)).not.toContain(WEBHOOK_SECRET);
    expect(await count(svc, "deploy_events")).toBe(0);
    expect(await count(svc, "releases")).toBe(0);
    expect(await count(svc, "github_deployments")).toBe(0);
  });

  it("answers 422 naming the field when a signed body is not a deployment event, storing nothing", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    const body = JSON.stringify({ action: "created", deployment: { id: "x" }, repository: { full_name: "a/b" } });
    const res = await deliver(svc, "deployment", body);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain("deployment.id");
    expect(await count(svc, "deploy_events")).toBe(0);
  });
});
