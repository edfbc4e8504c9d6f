import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createContainer } from "../../../src/container.ts";
import { createApp } from "../../../src/http/app.ts";
import { createTestService, REPO_RULES, type TestService } from "../../support/test-service.ts";
import { fixture, GITLAB_TOKEN, ingestToken, postWebhook, rowCount } from "./webhook-support.ts";

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

async function expectRefused(res: Response, status: 401 | 403, mentions: string, secrets: string[] = []) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const text = await res.text();
  expect(JSON.parse(text).detail).toContain(mentions);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(await rowCount(svc!, "deploy_events")).toBe(0);
}

describe("GitLab: X-Gitlab-Token", () => {
  const hook = () => fixture("gitlab/go-gitlab__testdata__webhooks__deployment.json");

  it("refuses a missing or wrong token with 401 naming the header, never echoing either token", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN } });
    await expectRefused(await postWebhook(svc, "gitlab", hook()), 401, "X-Gitlab-Token", [GITLAB_TOKEN]);
    const wrong = "gitlab-secret-token-0123456780";
    await expectRefused(await postWebhook(svc, "gitlab", hook(), { "x-gitlab-token": wrong }), 401, "X-Gitlab-Token", [GITLAB_TOKEN, wrong]);
    // An API token is not a GitLab secret token.
    const api = await ingestToken(svc);
    await expectRefused(await postWebhook(svc, "gitlab", hook(), { authorization: `Bearer ${api}` }), 401, "X-Gitlab-Token", [api]);
  });

  it("refuses every GitLab hook while no token is configured, saying which variable enables them", async () => {
    svc = createTestService();
    await expectRefused(await postWebhook(svc, "gitlab", hook(), { "x-gitlab-token": "anything-at-all-123456" }), 401, "DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN");
  });

  it("checks the token before reading the body, so a stranger learns nothing from a parse error", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN } });
    await expectRefused(await postWebhook(svc, "gitlab", "{not json"), 401, "X-Gitlab-Token");
  });
});

describe("token-authenticated tools", () => {
  it("refuses Argo CD and Spinnaker without a bearer token, and does not take one from the query", async () => {
    svc = createTestService();
    const token = await ingestToken(svc);
    for (const tool of ["argocd", "spinnaker"]) {
      await expectRefused(await postWebhook(svc, tool, "{}"), 401, "Authorization: Bearer");
      await expectRefused(await postWebhook(svc, tool, "{}", {}, `?token=${token}`), 401, "Authorization: Bearer", [token]);
    }
  });

  it("refuses Flagger and Jenkins without a token, naming both ways to send one", async () => {
    svc = createTestService();
    for (const tool of ["flagger", "jenkins"]) {
      await expectRefused(await postWebhook(svc, tool, fixture("flagger/flagger_webhook_payload.json")), 401, "?token=");
      await expectRefused(await postWebhook(svc, tool, fixture("flagger/flagger_webhook_payload.json"), {}, "?token=dg_not-a-real-token"), 401, "not valid", ["dg_not-a-real-token"]);
    }
  });

  it("refuses a token without the ingest scope with 403", async () => {
    svc = createTestService();
    const res = await svc.request("POST", "/api/v1/tokens", { name: "dashboards", scope: "read" });
    const read = ((await res.json()) as { token: string }).token;
    await expectRefused(await postWebhook(svc, "flagger", fixture("flagger/flagger_webhook_payload.json"), {}, `?token=${read}`), 403, "'ingest' scope", [read]);
  });

  it("keeps the body size limit on webhooks", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_MAX_BODY_BYTES: "1024" } });
    const token = await ingestToken(svc);
    const res = await postWebhook(svc, "jenkins", { name: "x".repeat(2000) }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(413);
    expect(await rowCount(svc, "deploy_events")).toBe(0);
  });
});

describe("logging", () => {
  it("never writes a token sent in the query, or the GitLab secret, to the request log", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deploy-guard-webhook-log-"));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const config = loadConfig({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: REPO_RULES, DEPLOY_GUARD_DB_SYNC: "normal", DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN });
    // The recorded GitLab hook is from April 2021: the clock is just after it (older events than the retention are refused).
    const container = createContainer(config, pino({ level: "debug" }, sink), { notifiers: [], now: () => Date.UTC(2021, 3, 28, 20, 0, 0) });
    try {
      const app = createApp(container);
      const { token } = await container.tokens.create("flagger", "ingest");
      const post = (path: string, body: string, headers: Record<string, string> = {}) =>
        app.request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      expect((await post(`/api/v1/webhooks/flagger?token=${token}`, fixture("flagger/flagger_webhook_payload.json"))).status).toBe(202);
      expect((await post(`/api/v1/webhooks/flagger?token=${token}x`, fixture("flagger/flagger_webhook_payload.json"))).status).toBe(401);
      expect((await post("/api/v1/webhooks/gitlab", fixture("gitlab/go-gitlab__testdata__webhooks__deployment.json"), { "x-gitlab-token": GITLAB_TOKEN })).status).toBe(202);
      const log = lines.join("");
      expect(log).toContain('"path":"/api/v1/webhooks/flagger"');
      expect(log).toContain('"tool":"gitlab"');
      expect(log).not.toContain(token);
      expect(log).not.toContain(GITLAB_TOKEN);
    } finally {
      container.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
