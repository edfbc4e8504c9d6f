import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { fixture, fixtureJson, GITLAB_TOKEN, ingestToken, postWebhook, SHARED_JENKINS, storedEvents } from "./webhook-support.ts";

let svc: TestService;
let token: string;
beforeEach(async () => {
  svc = createTestService({ env: { DEPLOY_GUARD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN } });
  token = await ingestToken(svc);
});
afterEach(() => svc.close());

const bearer = () => ({ authorization: `Bearer ${token}` });
const gitlab = { "x-gitlab-token": GITLAB_TOKEN, "x-gitlab-event": "Deployment Hook" };

describe("GitLab deployment hooks", () => {
  // The recorded hook is from April 2021: the clock is set to just after it, as when GitLab sent it (older events
  // than the retention are refused).
  beforeEach(() => {
    svc.clock.now = Date.UTC(2021, 3, 28, 20, 0, 0);
  });

  it("maps the real deployment hook to a finished deploy at the hook's own time, in UTC", async () => {
    const res = await postWebhook(svc, "gitlab", fixture("gitlab/go-gitlab__testdata__webhooks__deployment.json"), gitlab);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: { duplicate: boolean }[] };
    expect(body.accepted).toHaveLength(1);
    expect(body.accepted[0]!.duplicate).toBe(false);
    const [event] = await storedEvents(svc);
    expect(event).toMatchObject({
      service: "test-deployment-webhooks", environment: "staging", version: "279484c0", phase: "finished",
      // "2021-04-28 21:50:00 +0200"
      timestamp: Date.UTC(2021, 3, 28, 19, 50, 0), event_id: "gitlab:30/15:success", deploy_id: "gitlab:30/15",
    });
    expect(event!.payload).toMatchObject({
      commit: "279484c09fbe69ededfced8c1bb6e6d24616b468", url: "http://10.126.0.2:3000/root/test-deployment-webhooks/-/jobs/796", tool: "gitlab",
    });
  });

  it("pairs running and success of one deployment into one deploy", async () => {
    const hook = fixtureJson("gitlab/go-gitlab__testdata__webhooks__deployment.json");
    await postWebhook(svc, "gitlab", { ...hook, status: "running", status_changed_at: "2021-04-28 19:45:00 UTC" }, gitlab);
    await postWebhook(svc, "gitlab", hook, gitlab);
    const events = await storedEvents(svc);
    expect(events.map((e) => [e.phase, e.timestamp, e.deploy_id])).toEqual([
      ["started", Date.UTC(2021, 3, 28, 19, 45, 0), "gitlab:30/15"],
      ["finished", Date.UTC(2021, 3, 28, 19, 50, 0), "gitlab:30/15"],
    ]);
    const release = (await svc.sql("SELECT status FROM releases").get()) as { status: string };
    expect(release.status).toBe("analyzing");
  });

  it("accepts a re-sent hook once", async () => {
    const raw = fixture("gitlab/go-gitlab__testdata__webhooks__deployment.json");
    const first = (await (await postWebhook(svc, "gitlab", raw, gitlab)).json()) as { accepted: object[] };
    const again = await postWebhook(svc, "gitlab", raw, gitlab);
    expect(again.status).toBe(202);
    expect((await again.json()) as object).toEqual({ accepted: [{ ...first.accepted[0], duplicate: true }] });
    expect(await storedEvents(svc)).toHaveLength(1);
  });

  it("ignores the real pipeline hook, saying which events to enable", async () => {
    const res = await postWebhook(svc, "gitlab", fixture("gitlab/go-gitlab__testdata__webhooks__pipeline.json"), { ...gitlab, "x-gitlab-event": "Pipeline Hook" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: [], ignored: expect.stringContaining("Deployment events") });
    expect(await storedEvents(svc)).toHaveLength(0);
  });

  it("maps canceled to failed, since the roll-out stopped part way", async () => {
    const hook = fixtureJson("gitlab/go-gitlab__testdata__webhooks__deployment.json");
    await postWebhook(svc, "gitlab", { ...hook, status: "canceled" }, gitlab);
    expect((await storedEvents(svc)).map((e) => [e.phase, e.event_id])).toEqual([["failed", "gitlab:30/15:canceled"]]);
  });
});

describe("Argo CD notifications", () => {
  const body = (over: Record<string, unknown> = {}) => ({
    app: "guestbook", namespace: "production", environment: "<no value>", revision: "f3937462080c6946ff5ec4b5fa393e7c22388e4c",
    phase: "Succeeded", health: "Healthy", started_at: "2026-11-21T11:00:05Z", finished_at: "2026-11-21T11:00:41Z",
    healthy_at: "2026-11-21T11:02:10Z", url: "https://argocd.example.com/applications/guestbook",
    syncResult: fixtureJson("argocd/argocd_syncResult_webhook_example.json"),
    ...over,
  });

  it("maps an on-deployed notification carrying the real syncResult to a start and a finish", async () => {
    const res = await postWebhook(svc, "argocd", body(), bearer());
    expect(res.status).toBe(202);
    const accepted = ((await res.json()) as { accepted: { deploy_id: string }[] }).accepted;
    expect(accepted).toHaveLength(2);
    const key = "argocd:guestbook:2026-11-21T11:00:05Z";
    expect((await storedEvents(svc)).map(({ payload: _p, ...e }) => e)).toEqual([
      { service: "guestbook", environment: "production", version: "f3937462080c6946ff5ec4b5fa393e7c22388e4c", phase: "started", timestamp: Date.parse("2026-11-21T11:00:05Z"), event_id: `${key}:started`, deploy_id: key },
      { service: "guestbook", environment: "production", version: "f3937462080c6946ff5ec4b5fa393e7c22388e4c", phase: "finished", timestamp: Date.parse("2026-11-21T11:02:10Z"), event_id: `${key}:finished`, deploy_id: key },
    ]);
  });

  it("takes the revision from the embedded syncResult when the template sends none, and drops a half-filled link", async () => {
    await postWebhook(svc, "argocd", body({ revision: "<no value>", environment: "prod-eu", url: "<no value>/applications/guestbook" }), bearer());
    expect((await storedEvents(svc)).map((e) => [e.version, e.environment, e.payload.url])).toEqual([
      ["f3937462080c6946ff5ec4b5fa393e7c22388e4c", "prod-eu", undefined],
      ["f3937462080c6946ff5ec4b5fa393e7c22388e4c", "prod-eu", undefined],
    ]);
  });

  it("records on-sync-running as the start, and the later on-deployed start as a duplicate", async () => {
    await postWebhook(svc, "argocd", body({ phase: "Running", health: "Progressing", finished_at: "<no value>", healthy_at: "<no value>" }), bearer());
    const res = await postWebhook(svc, "argocd", body(), bearer());
    expect(((await res.json()) as { accepted: { duplicate: boolean }[] }).accepted.map((a) => a.duplicate)).toEqual([true, false]);
    expect((await storedEvents(svc)).map((e) => e.phase)).toEqual(["started", "finished"]);
  });

  it("records a failed sync as a failed deploy, and ignores a sync still waiting to be healthy", async () => {
    const waiting = await postWebhook(svc, "argocd", body({ health: "Progressing" }), bearer());
    expect(await waiting.json()).toEqual({ accepted: [], ignored: expect.stringContaining("Progressing") });
    await postWebhook(svc, "argocd", body({ phase: "Failed", health: "Degraded" }), bearer());
    expect((await storedEvents(svc)).map((e) => [e.phase, e.timestamp])).toEqual([["failed", Date.parse("2026-11-21T11:00:41Z")]]);
  });
});

describe("Flagger event webhook", () => {
  it("maps the real Flagger webhook body (no timestamp) to a start at the time received", async () => {
    const res = await postWebhook(svc, "flagger", fixture("flagger/flagger_webhook_payload.json"), {}, `?token=${token}`);
    expect(res.status).toBe(202);
    expect((await storedEvents(svc)).map(({ payload: _p, ...e }) => e)).toEqual([
      { service: "podinfo.test", environment: "production", version: "85d557f47b", phase: "started", timestamp: svc.clock.now, event_id: "flagger:test/podinfo:85d557f47b:started", deploy_id: "flagger:test/podinfo:85d557f47b" },
    ]);
  });

  it("maps Progressing and Succeeded events to one deploy, with metadata's environment and version", async () => {
    await postWebhook(svc, "flagger", fixture("flagger/event-progressing.json"), {}, `?token=${token}`);
    await postWebhook(svc, "flagger", { ...fixtureJson("flagger/event-progressing.json"), phase: "Promoting" }, bearer());
    await postWebhook(svc, "flagger", fixture("flagger/event-succeeded.json"), {}, `?token=${token}`);
    expect((await storedEvents(svc)).map((e) => [e.service, e.environment, e.version, e.phase, e.timestamp, e.deploy_id])).toEqual([
      ["podinfo.test", "staging", "6.5.1", "started", 1795258860000, "flagger:test/podinfo:85d557f47b"],
      ["podinfo.test", "staging", "6.5.1", "finished", 1795259400000, "flagger:test/podinfo:85d557f47b"],
    ]);
  });

  it("ignores phases that neither start nor end a roll-out", async () => {
    for (const phase of ["Initialized", "Waiting", "Terminating"]) {
      const res = await postWebhook(svc, "flagger", { ...fixtureJson("flagger/event-progressing.json"), phase }, bearer());
      expect(await res.json()).toEqual({ accepted: [], ignored: expect.stringContaining(phase) });
    }
    expect(await storedEvents(svc)).toHaveLength(0);
  });
});

describe("Jenkins Notification plugin", () => {
  it.skipIf(!SHARED_JENKINS.present)(`maps the plugin's published example (read from ../shared/data, not copied) to a finished deploy${SHARED_JENKINS.note}`, async () => {
    const res = await postWebhook(svc, "jenkins", readFileSync(SHARED_JENKINS.url, "utf8"), {}, `?token=${token}`);
    expect(res.status).toBe(202);
    const [event] = await storedEvents(svc);
    expect(event).toMatchObject({
      service: "asgard", environment: "production", version: "c6d86dc654b12425e706bcf951adfe5a8627a517", phase: "finished",
      timestamp: svc.clock.now, event_id: "jenkins:job/asgard/18/:ended", deploy_id: "jenkins:job/asgard/18/",
    });
    expect(event!.payload).toMatchObject({ url: "http://localhost:8080/job/asgard/18/", commit: "c6d86dc654b12425e706bcf951adfe5a8627a517" });
  });

  it("maps our documented examples: parameters name the environment and version, an end is start plus duration", async () => {
    await postWebhook(svc, "jenkins", fixture("jenkins/deploy-job-started.json"), bearer());
    await postWebhook(svc, "jenkins", fixture("jenkins/deploy-job-finalized-failure.json"), bearer());
    expect((await storedEvents(svc)).map((e) => [e.service, e.environment, e.version, e.phase, e.timestamp])).toEqual([
      ["checkout-deploy", "staging", "2026.11.21-3", "started", 1795258800000],
      ["checkout-deploy", "staging", "2026.11.21-3", "failed", 1795258800000 + 95000],
    ]);
  });

  it("counts COMPLETED and FINALIZED of one build as one end", async () => {
    const finalized = fixtureJson("jenkins/deploy-job-finalized-failure.json");
    const completed = { ...finalized, build: { ...finalized.build, phase: "COMPLETED" } };
    await postWebhook(svc, "jenkins", completed, bearer());
    const res = await postWebhook(svc, "jenkins", finalized, bearer());
    expect(((await res.json()) as { accepted: { duplicate: boolean }[] }).accepted[0]!.duplicate).toBe(true);
  });

  it("ignores QUEUED and NOT_BUILT", async () => {
    const started = fixtureJson("jenkins/deploy-job-started.json");
    const queued = await postWebhook(svc, "jenkins", { ...started, build: { ...started.build, phase: "QUEUED" } }, bearer());
    expect(await queued.json()).toEqual({ accepted: [], ignored: expect.stringContaining("QUEUED") });
    const notBuilt = await postWebhook(svc, "jenkins", { ...started, build: { ...started.build, phase: "COMPLETED", status: "NOT_BUILT" } }, bearer());
    expect(await notBuilt.json()).toEqual({ accepted: [], ignored: expect.stringContaining("NOT_BUILT") });
  });
});

describe("Spinnaker webhook stage (our documented template)", () => {
  it("maps the started stage and a batch finished by stage status, with its hosts", async () => {
    await postWebhook(svc, "spinnaker", fixture("spinnaker/webhook-stage-started.json"), bearer());
    await postWebhook(svc, "spinnaker", fixture("spinnaker/webhook-stage-batch-finished.json"), bearer());
    const key = "spinnaker:01JD8ZKQ3V6M7W2XG4T5R9HYNC:checkout:production";
    expect((await storedEvents(svc)).map((e) => [e.service, e.environment, e.version, e.phase, e.timestamp, e.event_id])).toEqual([
      ["checkout", "production", "2026.11.21-3", "started", svc.clock.now, `${key}:started`],
      ["checkout", "production", "2026.11.21-3", "finished", Date.parse("2026-11-21T11:20:00Z"), `${key}:batch-1:finished`],
    ]);
    const batch = (await svc.sql("SELECT batch_index, batch_total, status, hosts FROM deploy_batches").get());
    expect(batch).toEqual({ batch_index: 1, batch_total: 3, status: "finished", hosts: JSON.stringify(["web-1", "web-2"]) });
  });

  it("ignores a stage status that is neither a start nor an end", async () => {
    const res = await postWebhook(svc, "spinnaker", { ...fixtureJson("spinnaker/webhook-stage-started.json"), phase: undefined, stage_status: "NOT_STARTED" }, bearer());
    expect(await res.json()).toEqual({ accepted: [], ignored: expect.stringContaining("NOT_STARTED") });
  });
});

describe("OpenAPI", () => {
  it("documents the webhook route with every tool", async () => {
    const doc = (await (await svc.app.request("/openapi.json")).json()) as { paths: Record<string, any> };
    const post = doc.paths["/api/v1/webhooks/{tool}"].post;
    expect(post.parameters[0].schema.enum).toEqual(["github", "gitlab", "argocd", "flagger", "jenkins", "spinnaker"]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["202", "400", "401", "422"]));
  });
});
