import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { fixture, fixtureJson, GITLAB_TOKEN, ingestToken, postWebhook, rowCount } from "./webhook-support.ts";

let svc: TestService;
let token: string;
beforeEach(async () => {
  svc = createTestService({ env: { DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN } });
  token = await ingestToken(svc);
});
afterEach(() => svc.close());

const bearer = () => ({ authorization: `Bearer ${token}` });
const gitlab = { "x-gitlab-token": GITLAB_TOKEN };

async function expectProblem(res: Response, status: number, path?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { detail: string; errors?: { path: string }[] };
  if (path) expect(body.errors?.[0]?.path).toBe(path);
  expect(await rowCount(svc, "deploy_events")).toBe(0);
  expect(await rowCount(svc, "releases")).toBe(0);
  return body;
}

describe("webhook bodies the guard cannot use", () => {
  it("answers 400 to malformed JSON, after the signature check", async () => {
    const body = await expectProblem(await postWebhook(svc, "gitlab", '{"object_kind": "deployment",', gitlab), 400);
    expect(body.detail).toMatch(/not valid JSON/);
    await expectProblem(await postWebhook(svc, "jenkins", "not json", bearer()), 400);
  });

  it("answers 422 naming the GitLab field that is missing or wrong", async () => {
    const hook = fixtureJson("gitlab/go-gitlab__testdata__webhooks__deployment.json");
    const { environment: _e, ...noEnvironment } = hook;
    await expectProblem(await postWebhook(svc, "gitlab", noEnvironment, gitlab), 422, "environment");
    await expectProblem(await postWebhook(svc, "gitlab", { ...hook, project: { ...hook.project, name: undefined } }, gitlab), 422, "project.name");
    const badTime = await expectProblem(await postWebhook(svc, "gitlab", { ...hook, status_changed_at: "28/04/2021" }, gitlab), 422, "status_changed_at");
    expect(badTime.detail).toContain("2021-04-28 21:50:00 +0200");
  });

  it("answers 422 naming the field for each token-authenticated tool", async () => {
    const flagger = fixtureJson("flagger/event-progressing.json");
    await expectProblem(await postWebhook(svc, "flagger", { ...flagger, name: "" }, bearer()), 422, "name");
    await expectProblem(await postWebhook(svc, "flagger", { ...flagger, metadata: { ...flagger.metadata, timestamp: "soon" } }, bearer()), 422, "metadata.timestamp");
    const jenkins = fixtureJson("jenkins/deploy-job-finalized-failure.json");
    await expectProblem(await postWebhook(svc, "jenkins", { ...jenkins, build: { ...jenkins.build, status: null } }, bearer()), 422, "build.status");
    await expectProblem(await postWebhook(svc, "argocd", { app: "guestbook", phase: "Running", revision: "abc" }, bearer()), 422, "namespace");
    await expectProblem(await postWebhook(svc, "argocd", { app: "guestbook", namespace: "prod", phase: "Running" }, bearer()), 422, "revision");
    const spinnaker = fixtureJson("spinnaker/webhook-stage-started.json");
    await expectProblem(await postWebhook(svc, "spinnaker", { ...spinnaker, version: undefined }, bearer()), 422, "version");
    await expectProblem(await postWebhook(svc, "spinnaker", { ...spinnaker, phase: "halfway" }, bearer()), 422, "phase");
  });

  it("validates what an adapter makes with the deploy-event schema, e.g. a batch index beyond its total", async () => {
    const batch = fixtureJson("spinnaker/webhook-stage-batch-finished.json");
    await expectProblem(await postWebhook(svc, "spinnaker", { ...batch, batch: { index: 4, total: 3 } }, bearer()), 422, "batch.index");
  });

  it("stores none of a delivery's events when one of them is not valid", async () => {
    // An on-deployed notification gives a start (valid) and a finish more than a day in the future (refused).
    const body = {
      app: "guestbook", namespace: "production", revision: "f3937462080c6946ff5ec4b5fa393e7c22388e4c", phase: "Succeeded", health: "Healthy",
      started_at: "2026-11-21T11:00:05Z", healthy_at: "2099-01-01T00:00:00Z",
    };
    await expectProblem(await postWebhook(svc, "argocd", body, bearer()), 422, "events[1].timestamp");
  });

  it("answers a clear 4xx, not a 500, to a JSON body that is not an object", async () => {
    for (const raw of ["[]", "null", '"text"', "42"]) {
      await expectProblem(await postWebhook(svc, "flagger", raw, bearer()), 422, "(body)");
    }
  });

  it("names an unknown tool", async () => {
    const res = await postWebhook(svc, "travis", fixture("flagger/flagger_webhook_payload.json"), bearer());
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toContain("tool");
  });
});
