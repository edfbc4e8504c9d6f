import { verifyWhole } from "../../../src/deploys/adapters/adapter.ts";
import { afterEach, describe, expect, it } from "vitest";
import { createGithubAdapter } from "../../../src/deploys/adapters/github.ts";
import { AppError } from "../../../src/http/app-error.ts";
import { startReceiver, type Answer, type Receiver } from "../../notify/local-receiver.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { fixture, githubRequest, GITHUB_TOKEN, WEBHOOK_SECRET } from "./github-support.ts";

const START = Date.parse("2026-11-21T12:00:00Z");
const CALLBACK_PATH = "/repos/Codertocat/Hello-World/actions/runs/1234567890/deployment_protection_rule";
const SERVICE = "Codertocat/Hello-World";

let svc: TestService | undefined;
let api: Receiver | undefined;
afterEach(async () => {
  svc?.close();
  await api?.close();
  svc = undefined;
  api = undefined;
});

async function guard(answer: (index: number) => Answer = () => ({ status: 204 })): Promise<TestService> {
  api = await startReceiver((_r, i) => answer(i));
  return createTestService({
    now: START,
    env: { DEPLOY_GUARD_GITHUB_TOKEN: GITHUB_TOKEN, DEPLOY_GUARD_GITHUB_API_URL: api.url, DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
  });
}

/** GitHub asks whether the deployment may go ahead; its callback URL is on the API host (here the local receiver). */
async function requestProtection(s: TestService, callbackUrl = `${api!.url}${CALLBACK_PATH}`) {
  const body = fixture("deployment_protection_rule__requested.written-here.json");
  body.deployment_callback_url = callbackUrl;
  const req = githubRequest("deployment_protection_rule", body);
  const adapter = createGithubAdapter(s.config, undefined, s.container.github);
  await verifyWhole(adapter, req);
  const result = await adapter.read(JSON.parse(req.rawBody), req);
  await s.container.github!.protection.idle();
  return result;
}

const answers = async (s: TestService) =>
  (await s.sql("SELECT deployment_id, service, environment, state, comment, delivery, attempts FROM github_protection_answers").all());

describe("deployment protection rules", () => {
  it("approves when the service is healthy, posting the gate's reason to the callback URL with the token", async () => {
    svc = await guard();
    const result = await requestProtection(svc);
    expect(result).toEqual({ ignored: "deployment protection rule: the pre-deploy gate's answer is posted to the callback URL" });

    const reason = (await svc.container.preDeployGate.check(SERVICE, "production")).reason;
    expect(api!.got).toHaveLength(1);
    const got = api!.got[0]!;
    expect(got.method).toBe("POST");
    expect(got.path).toBe(CALLBACK_PATH);
    expect(got.headers).toMatchObject({ authorization: `Bearer ${GITHUB_TOKEN}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" });
    expect(got.json).toEqual({ environment_name: "production", state: "approved", comment: `deploy-guard: ${reason}` });
    expect(await answers(svc)).toEqual([
      { deployment_id: 145988746, service: SERVICE, environment: "production", state: "approved", comment: `deploy-guard: ${reason}`, delivery: "sent", attempts: 1 },
    ]);
  });

  it("rejects with the reason while the running release has failed and was not rolled back", async () => {
    svc = await guard();
    await svc.request("POST", "/api/v1/deploys", { service: SERVICE, version: "v1", phase: "started", timestamp: START - 60_000 });
    await svc.request("POST", "/api/v1/deploys", { service: SERVICE, version: "v1", phase: "failed", timestamp: START - 30_000, tool: "jenkins" });

    await requestProtection(svc);
    expect(api!.got).toHaveLength(1);
    expect(api!.got[0]!.json).toEqual({
      environment_name: "production", state: "rejected",
      comment: expect.stringMatching(/^deploy-guard: Do not deploy Codertocat\/Hello-World in production now: The running release v1 failed and has not been rolled back/),
    });
    expect(await answers(svc)).toMatchObject([{ state: "rejected", delivery: "sent" }]);
  });

  it("retries a callback GitHub answered with 5xx, from the stored answer, and answers a re-sent request once", async () => {
    svc = await guard((i) => (i === 0 ? { status: 503 } : { status: 204 }));
    await requestProtection(svc);
    expect(await answers(svc)).toMatchObject([{ state: "approved", delivery: "pending", attempts: 1 }]);

    await requestProtection(svc);
    expect(await answers(svc)).toHaveLength(1);

    svc.clock.now += 10 * 60_000;
    expect(await svc.container.github!.tick()).toBe(1);
    expect(api!.got.map((r) => r.path)).toEqual([CALLBACK_PATH, CALLBACK_PATH]);
    expect(api!.got[1]!.json).toMatchObject({ environment_name: "production", state: "approved" });
    expect(await answers(svc)).toMatchObject([{ delivery: "sent", attempts: 2 }]);
  });

  it.each([
    ["another host", "https://attacker.example.com/repos/Codertocat/Hello-World/actions/runs/1/deployment_protection_rule"],
    ["the API host but another endpoint", `/repos/Codertocat/Hello-World/deployments/1/statuses`],
    ["the API host with a query string", `${CALLBACK_PATH}?redirect=https://attacker.example.com`],
  ])("refuses a callback URL on %s: nothing stored, nothing posted", async (_what, url) => {
    svc = await guard();
    const callback = url.startsWith("/") ? `${api!.url}${url}` : url;
    const err = await requestProtection(svc, callback).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ path: "deployment_callback_url", message: "must be on the host of DEPLOY_GUARD_GITHUB_API_URL" }] });
    await svc.container.github!.tick();
    expect(await answers(svc)).toEqual([]);
    expect(api!.got).toEqual([]);
  });
});
