import { verifyWhole } from "../../../src/deploys/adapters/adapter.ts";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createGithubAdapter } from "../../../src/deploys/adapters/github.ts";
import { AppError } from "../../../src/http/app-error.ts";
import { fixture, fixtureText, githubRequest, PUBLIC_URL, sign, WEBHOOK_SECRET } from "./github-support.ts";

const config = loadConfig({ DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, DEPLOY_GUARD_PUBLIC_URL: PUBLIC_URL });
const adapter = createGithubAdapter(config);
const SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const HELLO = { service: "Codertocat/Hello-World", version: SHA, commit: SHA, deploy_id: "github-145988746", tool: "github", url: "https://github.com/Codertocat/Hello-World/deployments" };

async function read(event: string, body: object) {
  const req = githubRequest(event, body);
  await verifyWhole(adapter, req);
  return adapter.read(JSON.parse(req.rawBody), req);
}

async function thrown(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

describe("GitHub deployment events (octokit's recorded payloads)", () => {
  it.each([
    ["deployment__payload.json", "production", "2019-05-15T15:20:53Z"],
    ["deployment__with-installation.payload.json", "production", "2019-05-15T15:20:53Z"],
    ["deployment__gh-pages.payload.json", "github-pages", "2022-01-03T01:28:30Z"],
  ])("%s starts a deploy of the commit in its environment", async (file, environment, createdAt) => {
    expect(await read("deployment", fixture(file))).toEqual({
      events: [{ ...HELLO, environment, phase: "started", timestamp: Date.parse(createdAt), event_id: "github-deployment-145988746" }],
    });
  });

  it.each([
    ["deployment_status__payload.json", "production", "finished", "2019-05-15T15:20:55Z"],
    ["deployment_status__with-installation.payload.json", "production", "finished", "2019-05-15T15:20:55Z"],
    ["deployment_status__gh-pages.payload.json", "github-pages", "started", "2022-01-03T01:28:40Z"],
  ])("%s maps its state to a %s/%s event keyed by the status id", async (file, environment, phase, updatedAt) => {
    expect(await read("deployment_status", fixture(file))).toEqual({
      events: [{ ...HELLO, environment, phase, timestamp: Date.parse(updatedAt), event_id: "github-status-209916254" }],
    });
  });

  it.each([
    ["queued", "started"],
    ["pending", "started"],
    ["in_progress", "started"],
    ["success", "finished"],
    ["failure", "failed"],
    ["error", "failed"],
  ])("a deployment_status in state %s is a %s event", async (state, phase) => {
    const body = fixture("deployment_status__payload.json");
    body.deployment_status.state = state;
    const result = await read("deployment_status", body);
    expect("events" in result && result.events.map((e) => e.phase)).toEqual([phase]);
  });

  it("ignores an inactive status, saying why", async () => {
    const body = fixture("deployment_status__payload.json");
    body.deployment_status.state = "inactive";
    expect(await read("deployment_status", body)).toEqual({ ignored: 'deployment_status state "inactive" does not start or end a deploy' });
  });

  it("ignores the statuses deploy-guard posted itself (they link to its release page)", async () => {
    const body = fixture("deployment_status__payload.json");
    body.deployment_status.log_url = `${PUBLIC_URL}/releases/rel_abc`;
    expect(await read("deployment_status", body)).toEqual({ ignored: "deployment_status posted by deploy-guard itself" });
  });

  it("takes the service from the deployment's payload.service, as an object or a JSON string", async () => {
    const body = fixture("deployment__payload.json");
    body.deployment.payload = { service: "checkout" };
    expect(await read("deployment", body)).toMatchObject({ events: [{ service: "checkout", environment: "production" }] });
    body.deployment.payload = JSON.stringify({ service: "payments" });
    expect(await read("deployment", body)).toMatchObject({ events: [{ service: "payments" }] });
  });

  it.each([
    ["push", "push__payload.json"],
    ["workflow_run", "workflow_run__completed.payload.json"],
  ])("ignores a %s event, saying why", async (event, file) => {
    expect(await read(event, fixture(file))).toEqual({ ignored: `GitHub event "${event}" carries no deploy for the guard; send deployment and deployment_status` });
  });

  it("ignores a protection-rule request when no GitHub token lets it answer", async () => {
    expect(await read("deployment_protection_rule", fixture("deployment_protection_rule__requested.written-here.json"))).toEqual({
      ignored: "deployment protection rules are answered only when DEPLOY_GUARD_GITHUB_TOKEN or the GitHub App's credentials (DEPLOY_GUARD_GITHUB_APP_*) are set",
    });
  });

  it("refuses a deployment event without a deployment id, naming the field", async () => {
    const body = fixture("deployment__payload.json");
    delete body.deployment.id;
    const err = await thrown(() => read("deployment", body));
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(err.errors).toEqual([{ path: "deployment.id", message: expect.stringMatching(/number/) }]);
  });

  it("refuses a request without X-GitHub-Event", async () => {
    const req = githubRequest("deployment", fixture("deployment__payload.json"), { "x-github-event": undefined });
    expect((await thrown(async () => adapter.read(JSON.parse(req.rawBody), req))).code).toBe("BAD_REQUEST");
  });
});

describe("X-Hub-Signature-256", () => {
  const body = fixtureText("deployment__payload.json");

  it("accepts the HMAC-SHA256 of the exact body bytes", async () => {
    await expect(verifyWhole(adapter, githubRequest("deployment", body))).resolves.toBeUndefined();
  });

  it.each([
    ["missing", { "x-hub-signature-256": undefined }],
    ["not sha256=<hex>", { "x-hub-signature-256": "sha1=abc" }],
    ["signed with another secret", { "x-hub-signature-256": sign(body, "another-secret-0123456789") }],
    ["for another body", { "x-hub-signature-256": sign(`${body} `) }],
  ])("refuses a signature that is %s with UNAUTHORIZED, never echoing the secret", async (_what, headers) => {
    const err = await thrown(() => verifyWhole(adapter, githubRequest("deployment", body, headers)));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).not.toContain(WEBHOOK_SECRET);
  });

  it("refuses every delivery while no webhook secret is configured", async () => {
    const open = createGithubAdapter(loadConfig({}));
    const err = await thrown(() => verifyWhole(open, githubRequest("deployment", body)));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).toContain("DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET");
  });
});
