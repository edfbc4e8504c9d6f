import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type GithubAppConfig } from "../../../src/config.ts";
import { GithubApi } from "../../../src/deploys/adapters/github-api.ts";
import { GithubAppTokens, RENEW_BEFORE_EXPIRY_MS } from "../../../src/deploys/adapters/github-app-auth.ts";
import { DeliveryError } from "../../../src/notify/notifier.ts";
import { startReceiver, type Receiver } from "../../notify/local-receiver.ts";
import { APP_ID, appKeyPair, INSTALLATION_ID, startFakeGithubApp, type FakeGithubApp } from "./fake-github-app.ts";
import { GITHUB_TOKEN } from "./github-support.ts";

const STATUS = { state: "success", description: "healthy", environment: "production" } as const;
const STATUSES_PATH = "/repos/octo/pay/deployments/7/statuses";

let app: ReturnType<typeof appKeyPair>;
let other: ReturnType<typeof appKeyPair>;
beforeAll(() => {
  app = appKeyPair();
  other = appKeyPair();
});

let github: FakeGithubApp | undefined;
let plain: Receiver | undefined;
afterEach(async () => {
  await github?.close();
  await plain?.close();
  github = plain = undefined;
});

/** The App's credentials as the service reads them: through loadConfig, from the PEM GitHub gives out. */
function appConfig(privatePem = app.privatePem, installationId = INSTALLATION_ID): GithubAppConfig {
  const config = loadConfig({
    DEPLOY_GUARD_GITHUB_APP_ID: String(APP_ID), DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY: privatePem,
    DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID: String(installationId),
  });
  return config.githubApp!;
}

async function appApi(options: { pem?: string; installationId?: number; lifetimeMs?: number } = {}) {
  const clock = { now: Date.now() };
  github = await startFakeGithubApp(app.publicKey, () => clock.now, options.lifetimeMs);
  const tokens = new GithubAppTokens(github.url, appConfig(options.pem, options.installationId), 5000, () => clock.now);
  return { clock, api: new GithubApi(github.url, tokens), fake: github };
}

const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a refusal"); }, (err: unknown) => err as DeliveryError);

describe("GitHub App installation tokens", () => {
  it("mints a token with a JWT signed by the App's key on the first call and sends the call with it", async () => {
    const { api, fake } = await appApi();
    await api.postStatus("octo", "pay", 7, STATUS);

    expect(fake.minted).toHaveLength(1);
    expect(fake.calls).toEqual([{ path: STATUSES_PATH, token: fake.minted[0], status: 201 }]);
    const { iss, iat, exp } = fake.claims[0]!;
    expect(String(iss)).toBe(String(APP_ID));
    expect(iat).toBeLessThanOrEqual(Date.now() / 1000);
    expect(exp - iat).toBeLessThanOrEqual(600);
  });

  it("reuses the token while it is fresh and mints a new one before the next call once it is near expiry", async () => {
    const { api, fake, clock } = await appApi({ lifetimeMs: 60 * 60_000 });
    await api.postStatus("octo", "pay", 7, STATUS);
    clock.now += 30 * 60_000;
    await api.postStatus("octo", "pay", 7, STATUS);
    expect(fake.minted).toHaveLength(1);

    clock.now += 30 * 60_000 - RENEW_BEFORE_EXPIRY_MS + 1000; // 4 minutes left on the token
    await api.postStatus("octo", "pay", 7, STATUS);
    expect(fake.minted).toHaveLength(2);
    expect(fake.calls.map((c) => [c.token, c.status])).toEqual([[fake.minted[0], 201], [fake.minted[0], 201], [fake.minted[1], 201]]);
  });

  it("on a 401 mints a fresh token and retries that call once", async () => {
    const { api, fake } = await appApi();
    await api.postStatus("octo", "pay", 7, STATUS);
    fake.revoke(fake.minted[0]!);

    await api.postStatus("octo", "pay", 7, STATUS);
    expect(fake.minted).toHaveLength(2);
    expect(fake.calls.slice(1).map((c) => [c.token, c.status])).toEqual([[fake.minted[0], 401], [fake.minted[1], 201]]);
  });

  it("retries a 401 only once: when the fresh token is refused too, the call fails and is not tried again", async () => {
    const { api, fake } = await appApi();
    fake.refuseEveryCall();
    const err = await refusal(api.postStatus("octo", "pay", 7, STATUS));

    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.message).toMatch(/answered 401: Bad credentials$/);
    expect(err.retryable).toBe(false);
    expect(fake.minted).toHaveLength(2);
    expect(fake.calls.map((c) => [c.token, c.status])).toEqual([[fake.minted[0], 401], [fake.minted[1], 401]]);
  });

  it("a key that is not the App's is refused with a clear error that carries no key material, and nothing is sent", async () => {
    const { api, fake } = await appApi({ pem: other.privatePem });
    const err = await refusal(api.postStatus("octo", "pay", 7, STATUS));

    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.message).toBe(`${new URL(fake.url).host} refused to mint a GitHub App installation token, 401: A JSON web token could not be decoded (check DEPLOY_GUARD_GITHUB_APP_ID and DEPLOY_GUARD_GITHUB_APP_PRIVATE_KEY)`);
    expect(err.retryable).toBe(false);
    const keyLines = other.privatePem.split("\n").filter((l) => l && !l.startsWith("-----"));
    for (const line of keyLines) expect(err.message).not.toContain(line);
    expect(err.message).not.toMatch(/PRIVATE KEY|eyJ/);
    expect(fake.calls).toEqual([]);
  });

  it("an installation the App does not have is refused naming the installation id variable", async () => {
    const { api } = await appApi({ installationId: INSTALLATION_ID + 1 });
    const err = await refusal(api.postStatus("octo", "pay", 7, STATUS));
    expect(err.message).toMatch(/refused to mint a GitHub App installation token, 404: Not Found \(check DEPLOY_GUARD_GITHUB_APP_INSTALLATION_ID\)$/);
  });
});

describe("a fixed token (DEPLOY_GUARD_GITHUB_TOKEN)", () => {
  it("is sent as it is, and a 401 is not retried since there is nothing to renew", async () => {
    plain = await startReceiver(() => ({ status: 401, body: { message: "Bad credentials" } }));
    const err = await refusal(new GithubApi(plain.url, GITHUB_TOKEN).postStatus("octo", "pay", 7, STATUS));
    expect(err.message).toMatch(/answered 401: Bad credentials$/);
    expect(plain.got).toHaveLength(1);
    expect(plain.got[0]!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
  });
});
