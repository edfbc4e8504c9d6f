import { verifyWhole } from "../../../src/deploys/adapters/adapter.ts";
import { afterEach, describe, expect, it } from "vitest";
import { GithubApi } from "../../../src/deploys/adapters/github-api.ts";
import { createGithubAdapter } from "../../../src/deploys/adapters/github.ts";
import { DeployEventSchema } from "../../../src/deploys/deploy-event.ts";
import { deploymentStatusOf, GithubStatusNotifier } from "../../../src/notify/github-status-notifier.ts";
import { startReceiver, type Answer, type Receiver } from "../../notify/local-receiver.ts";
import { generateTraffic } from "../../support/traffic.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { fixture, githubRequest, GITHUB_TOKEN, PUBLIC_URL, until, WEBHOOK_SECRET } from "./github-support.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:00Z");
const STATUSES_PATH = "/repos/Codertocat/Hello-World/deployments/145988746/statuses";

let svc: TestService | undefined;
let api: Receiver | undefined;
afterEach(async () => {
  svc?.close();
  await api?.close();
  svc = undefined;
  api = undefined;
});

async function guardWithGithub(answer: (index: number) => Answer): Promise<TestService> {
  api = await startReceiver((_r, i) => answer(i));
  const env = {
    DEPLOY_GUARD_GITHUB_TOKEN: GITHUB_TOKEN, DEPLOY_GUARD_GITHUB_API_URL: api.url,
    DEPLOY_GUARD_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, DEPLOY_GUARD_PUBLIC_URL: PUBLIC_URL,
  };
  return createTestService({ now: START, env, notifiers: [new GithubStatusNotifier(new GithubApi(api.url, GITHUB_TOKEN))] });
}

/** GitHub's own deployment and its success status, for service "pay", received through the adapter and recorded. */
async function deployFromGithub(s: TestService): Promise<string> {
  const adapter = createGithubAdapter(s.config, undefined, s.container.github);
  let releaseId = "";
  for (const [event, file, at] of [["deployment", "deployment__payload.json", START], ["deployment_status", "deployment_status__payload.json", START + MIN]] as const) {
    const body = fixture(file);
    body.deployment.payload = { service: "pay" };
    body.deployment.created_at = new Date(START).toISOString();
    body.deployment.updated_at = new Date(at).toISOString();
    if (body.deployment_status) body.deployment_status.updated_at = new Date(at).toISOString();
    const req = githubRequest(event, body);
    await verifyWhole(adapter, req);
    const result = await adapter.read(JSON.parse(req.rawBody), req);
    if (!("events" in result)) throw new Error(result.ignored);
    for (const e of result.events) releaseId = (await s.container.deploys.record(DeployEventSchema.parse(e))).release_id;
  }
  return releaseId;
}

async function badTraffic(s: TestService) {
  await s.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "pay", start: START - 60 * MIN, minutes: 60, perMinute: 300, errorRate: 0.005, latencyMs: 80, seed: 5 }) });
  await s.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "pay", start: START, minutes: 35, perMinute: 300, errorRate: 0.06, latencyMs: 80, seed: 6 }) });
}

/** Runs the outbox until the receiver has seen n requests; the kick after queueing may find the dispatcher busy. */
async function delivered(s: TestService, n: number): Promise<void> {
  await until(() => api!.got.length >= n, async () => void (await s.container.dispatcher.deliverDue()));
  expect(api!.got).toHaveLength(n);
}

const releaseRow = async (s: TestService, id: string) =>
  (await s.sql("SELECT status, summary FROM releases WHERE id = ?").get(id)) as { status: string; summary: string };

describe("deployment statuses posted back to GitHub", () => {
  it("posts in_progress while judging, then failure with the summary; a 5xx is retried and the verdict does not wait", async () => {
    svc = await guardWithGithub((i) => (i === 1 ? { status: 502, body: { message: "Server Error" } } : { status: 201, body: { id: 1 } }));
    await badTraffic(svc);
    const id = await deployFromGithub(svc);
    const github = svc.container.github!;

    expect(await github.tick()).toBe(1);
    await delivered(svc, 1);
    const first = api!.got[0]!;
    expect(first.method).toBe("POST");
    expect(first.path).toBe(STATUSES_PATH);
    expect(first.headers).toMatchObject({
      authorization: `Bearer ${GITHUB_TOKEN}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28",
      "content-type": "application/json", "user-agent": "deploy-guard",
    });
    expect(first.json).toEqual({
      state: "in_progress", description: "deploy-guard is judging this release from its logs and metrics",
      environment: "production", log_url: `${PUBLIC_URL}/releases/${id}`,
    });
    expect(await github.tick()).toBe(0);

    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    expect(await github.tick()).toBe(1);
    await delivered(svc, 2);
    // GitHub answered 502: the verdict is stored all the same, and the status waits for its retry.
    expect((await releaseRow(svc, id)).status).toBe("fail");
    const latest = async () => (await svc!.sql("SELECT status, attempts, last_error FROM notifications WHERE channel = 'github' ORDER BY id DESC").get()) as { attempts: number };
    await until(async () => (await latest()).attempts === 1);
    const row = await latest();
    expect(row).toEqual({ status: "pending", attempts: 1, last_error: expect.stringContaining("answered 502: Server Error") });
    expect(JSON.stringify(row)).not.toContain(GITHUB_TOKEN);

    svc.clock.now += 11 * MIN;
    await svc.container.dispatcher.deliverDue();
    expect(api!.got).toHaveLength(3);
    const summary = (await releaseRow(svc, id)).summary;
    expect(summary).toMatch(/^pay .* is not healthy and should be rolled back/);
    const retried = api!.got[2]!;
    expect(retried.path).toBe(STATUSES_PATH);
    expect(retried.json).toEqual({
      state: "failure", description: expect.any(String), environment: "production", log_url: `${PUBLIC_URL}/releases/${id}`,
    });
    expect(retried.json.description.length).toBeLessThanOrEqual(140);
    expect(summary.startsWith(retried.json.description.replace(/…$/, ""))).toBe(true);
    expect(await github.tick()).toBe(0);
  });

  it("posts an operator's decision, which overrides the engine, with who decided and why", async () => {
    svc = await guardWithGithub(() => ({ status: 201 }));
    const id = await deployFromGithub(svc);
    await svc.container.github!.tick();
    await delivered(svc, 1);
    const res = await svc.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "waiting for the load test" });
    expect(res.status).toBeLessThan(300);
    expect(await svc.container.github!.tick()).toBe(1);
    await delivered(svc, 2);
    expect(api!.got[1]!.json).toEqual({
      state: "pending", description: expect.stringMatching(/^On hold: Held by .+: waiting for the load test$/),
      environment: "production", log_url: `${PUBLIC_URL}/releases/${id}`,
    });
    expect(await svc.container.github!.tick()).toBe(0);
  });

  it("posts nothing for a release that did not come from a GitHub deployment", async () => {
    svc = await guardWithGithub(() => ({ status: 201 }));
    await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "7", phase: "started", timestamp: START });
    await svc.request("POST", "/api/v1/deploys", { service: "pay", version: "7", phase: "finished", timestamp: START + MIN });
    expect(await svc.container.github!.tick()).toBe(0);
    await svc.container.dispatcher.deliverDue();
    expect(api!.got).toHaveLength(0);
  });

  it("does not repeat a failure GitHub itself reported", async () => {
    svc = await guardWithGithub(() => ({ status: 201 }));
    // The recorded deliveries are from May 2019: the clock is just after them (older events than the retention are refused).
    svc.clock.now = Date.parse("2019-05-15T15:30:00Z");
    const adapter = createGithubAdapter(svc.config, undefined, svc.container.github);
    for (const [event, file] of [["deployment", "deployment__payload.json"], ["deployment_status", "deployment_status__payload.json"]] as const) {
      const body = fixture(file);
      if (body.deployment_status) body.deployment_status.state = "failure";
      const req = githubRequest(event, body);
      const result = await adapter.read(JSON.parse(req.rawBody), req);
      if ("events" in result) for (const e of result.events) await svc.container.deploys.record(DeployEventSchema.parse(e));
    }
    expect((await svc.sql("SELECT status FROM releases").get())).toEqual({ status: "fail" });
    expect(await svc.container.github!.tick()).toBe(0);
  });
});

describe("release state → deployment status", () => {
  it.each([
    ["analyzing", null, "in_progress", "deploy-guard is judging this release from its logs and metrics"],
    ["pass", "pay 3 is healthy.", "success", "pay 3 is healthy."],
    ["warn", "latency rose 12 %.", "success", "Warning: latency rose 12 %."],
    ["fail", "errors rose.", "failure", "errors rose."],
    ["hold", "too little traffic to judge.", "pending", "On hold: too little traffic to judge."],
  ])("%s becomes %s", (status, summary, state, description) => {
    expect(deploymentStatusOf(status, summary)).toEqual({ state, description });
  });

  it("says nothing while the deploy is still running, and clips long summaries to GitHub's 140 characters", () => {
    expect(deploymentStatusOf("pending", null)).toBeUndefined();
    const long = deploymentStatusOf("fail", "x".repeat(200))!;
    expect(long.description).toBe(`${"x".repeat(139)}…`);
  });
});
