import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { cassette, example, ReplayServer } from "./replay-server.ts";

const EVENTS = "/api/v1/events";
const MIN = 60_000;

describe("Datadog events from the running service", () => {
  const datadog = new ReplayServer();
  let svc: TestService;

  beforeAll(async () => {
    await datadog.start();
    datadog.answer("POST", EVENTS, cassette("v1/Events_3416228/Post-an-event-returns-OK-response_1209415328"));
    svc = createTestService({
      env: {
        DEPLOY_GUARD_DD_API_KEY: "dd-api-key-0123456789abcdef01", DEPLOY_GUARD_DD_APP_KEY: "dd-app-key-fedcba98765432100123",
        DEPLOY_GUARD_DD_BASE_URL: datadog.url, DEPLOY_GUARD_DD_EVENTS: "true", DEPLOY_GUARD_DD_MAX_RETRIES: "0",
      },
    });
  });
  afterAll(async () => {
    svc.close();
    await datadog.close();
  });

  const posted = () => datadog.sent("POST", EVENTS).map((r) => JSON.parse(r.body) as { title: string; tags: string[]; date_happened: number });

  it("posts each recorded deploy event and the final verdict, after the write, never twice for a re-sent event", async () => {
    // Finished 245 minutes ago: past the default rule's longest window (240), where a release without data is held.
    const started = svc.clock.now - 250 * MIN;
    const deploy = (phase: string, at: number) =>
      svc.request("POST", "/api/v1/deploys", { service: "checkout", environment: "production", version: "2.0.1", phase, timestamp: new Date(at).toISOString(), event_id: `e-${phase}` });
    expect((await deploy("started", started)).status).toBe(202);
    expect((await deploy("finished", started + 5 * MIN)).status).toBe(202);
    expect((await deploy("finished", started + 5 * MIN)).status).toBe(202);
    await expect.poll(() => posted().length, { timeout: 20_000 }).toBe(2);
    expect(posted().map((e) => [e.title, e.date_happened])).toEqual([
      ["Deploy started: checkout 2.0.1 in production", started / 1000],
      ["Deploy finished: checkout 2.0.1 in production", (started + 5 * MIN) / 1000],
    ]);

    // No telemetry was pushed. The deploy was reported late, so its telemetry may still be on the way (issue 12): once its
    // longest window of wall-clock time has passed with none, the default rule holds it; the verdict is posted all the same.
    await svc.container.verdicts.runAllDue();
    expect(posted()).toHaveLength(2);
    svc.clock.now += 245 * MIN;
    await svc.container.verdicts.runAllDue();
    await expect.poll(() => posted().length, { timeout: 20_000 }).toBe(3);
    const verdict = posted()[2];
    expect(verdict?.title).toBe("HOLD verdict: checkout 2.0.1 in production");
    expect(verdict?.tags).toEqual(["service:checkout", "env:production", "version:2.0.1", "deploy-guard:verdict", "status:hold", "final:true"]);
  });

  it("keeps recording deploys while Datadog refuses every event", async () => {
    datadog.answer("POST", EVENTS, example("forbidden.json", 403));
    const res = await svc.request("POST", "/api/v1/deploys", { service: "search", version: "7", phase: "started" });
    expect(res.status).toBe(202);
    await expect.poll(() => datadog.sent("POST", EVENTS).length, { timeout: 20_000 }).toBe(4);
  });
});
