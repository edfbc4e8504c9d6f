import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { verifyWhole } from "../../../src/deploys/adapters/adapter.ts";
import { createGithubAdapter } from "../../../src/deploys/adapters/github.ts";
import { ConfigError, loadConfig } from "../../../src/config.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { APP_ID, appKeyPair, INSTALLATION_ID, startFakeGithubApp, type FakeGithubApp } from "./fake-github-app.ts";
import { fixture, githubRequest, GITHUB_TOKEN, WEBHOOK_SECRET } from "./github-support.ts";

const START = Date.parse("2026-11-21T12:00:00Z");
const CALLBACK_PATH = "/repos/Codertocat/Hello-World/actions/runs/1234567890/deployment_protection_rule";

let app: ReturnType<typeof appKeyPair>;
beforeAll(() => {
  app = appKeyPair();
});

const appEnv = (pem = app.privatePem) => ({
  DEPLOY_GUARD_GITHUB_APP_ID: String(APP_ID), DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY: pem, DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID: String(INSTALLATION_ID),
});

const configError = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error("expected a ConfigError");
};

describe("GitHub App configuration", () => {
  it("takes the PEM GitHub gives (PKCS#1), with real line breaks or \\n escapes, and keeps it as PKCS#8", () => {
    for (const pem of [app.privatePem, app.privatePem.replace(/\n/g, "\\n")]) {
      const githubApp = loadConfig(appEnv(pem)).githubApp!;
      expect(githubApp.appId).toBe(APP_ID);
      expect(githubApp.installationId).toBe(INSTALLATION_ID);
      expect(githubApp.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    }
  });

  it("refuses a value that is not a private key, naming the variable and hiding the value", () => {
    const bad = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretish0123456789\n-----END RSA PRIVATE KEY-----";
    const message = configError(appEnv(bad));
    expect(message).toMatch(/DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY: an RSA private key in PEM .*\(value hidden\)/);
    expect(message).not.toContain("MIIEsecretish");
  });

  it("needs all three App variables, and not a fixed token beside them", () => {
    expect(configError({ DEPLOY_GUARD_GITHUB_APP_ID: String(APP_ID) })).toMatch(/set all three or none/);
    expect(configError({ ...appEnv(), DEPLOY_GUARD_GITHUB_TOKEN: GITHUB_TOKEN })).toMatch(/use a token or the App's credentials, not both/);
  });
});

describe("a service configured with a GitHub App", () => {
  let svc: TestService | undefined;
  let github: FakeGithubApp | undefined;
  afterEach(async () => {
    await svc?.close();
    await github?.close();
    svc = github = undefined;
  });

  it("answers a deployment protection rule with an installation token it minted itself", async () => {
    github = await startFakeGithubApp(app.publicKey, Date.now);
    svc = createTestService({ now: START, env: { ...appEnv(), DEPLOY_GUARD_GITHUB_API_URL: github.url, DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    const body = fixture("deployment_protection_rule__requested.written-here.json");
    body.deployment_callback_url = `${github.url}${CALLBACK_PATH}`;
    const req = githubRequest("deployment_protection_rule", body);
    const adapter = createGithubAdapter(svc.config, undefined, svc.container.github);
    await verifyWhole(adapter, req);
    await adapter.read(JSON.parse(req.rawBody), req);
    await svc.container.github!.protection.idle();

    expect(github.minted).toHaveLength(1);
    expect(github.calls).toEqual([{ path: CALLBACK_PATH, token: github.minted[0], status: 201 }]);
    const stored = await svc.sql("SELECT state, delivery FROM github_protection_answers").all();
    expect(stored).toEqual([{ state: "approved", delivery: "sent" }]);
  });
});
