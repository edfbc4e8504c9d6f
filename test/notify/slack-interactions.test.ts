import { afterEach, describe, expect, it } from "vitest";
import { SlackApi } from "../../src/notify/slack-api.ts";
import { SlackApiNotifier } from "../../src/notify/slack-api-notifier.ts";
import { slackSignature } from "../../src/notify/slack-signature.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { slackApiAnswer, startReceiver, type Receiver } from "./local-receiver.ts";
import { START, queueVerdict, startRelease } from "./notify-fixtures.ts";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const BOT_TOKEN = "xoxb-test-bot-token-0002";
const PATH = "/api/v1/slack/interactions";

let svc: TestService | undefined;
let slack: Receiver | undefined;
afterEach(async () => {
  svc?.close();
  await slack?.close();
});

async function setUp(env: Record<string, string> = {}) {
  slack = await startReceiver(slackApiAnswer);
  const api = `${slack.url}/api`;
  svc = createTestService({
    now: START,
    env: {
      DEPLOY_GUARD_SLACK_SIGNING_SECRET: SIGNING_SECRET, DEPLOY_GUARD_SLACK_BOT_TOKEN: BOT_TOKEN, DEPLOY_GUARD_SLACK_API_URL: api, DEPLOY_GUARD_SLACK_CHANNEL: "#deploys",
      DEPLOY_GUARD_SLACK_APPROVERS: "U0ALICE, U0BOB", ...env,
    },
    notifiers: [new SlackApiNotifier(new SlackApi(api, BOT_TOKEN), "#deploys", true)],
  });
  const id = await startRelease(svc, "pay", "3");
  await queueVerdict(svc, id, "fail");
  await svc.container.dispatcher.deliverDue();
  return { s: svc, slack, id };
}

let presses = 0;

/** The block_actions payload Slack posts when a button is pressed (the fields of Slack's documented example we read); each call is a new press. */
function pressed(actionId: string, releaseId: string, user = { id: "U0ALICE", username: "alice", name: "alice", team_id: "T0001" }) {
  presses++;
  return {
    type: "block_actions", user, api_app_id: "A0APP", token: "legacy-verification-token", trigger_id: `${presses}.2.3`,
    team: { id: "T0001", domain: "example" }, channel: { id: "C0PAYMENTS", name: "payments-alerts" },
    container: { type: "message_attachment", message_ts: "1700000000.000100", channel_id: "C0PAYMENTS", is_ephemeral: false, attachment_id: 1 },
    message: { type: "message", ts: "1700000000.000100", text: "…" },
    response_url: "https://hooks.slack.com/actions/T0001/1/abc",
    actions: [{ type: "button", action_id: actionId, block_id: "deploy_guard_decision", value: releaseId, action_ts: `1700000100.${String(presses).padStart(6, "0")}` }],
  };
}

/** The route kicks the dispatcher itself and answers at once; the edit arrives a moment later. */
async function nextRequest(r: Receiver, count: number) {
  for (let i = 0; i < 100 && r.got.length < count; i++) await new Promise((done) => setTimeout(done, 20));
  return r.got[count - 1]!;
}

function signed(s: TestService, payload: unknown, sign: { secret?: string; timestamp?: number } = {}) {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = String(sign.timestamp ?? Math.floor(s.clock.now / 1000));
  return { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts, "x-slack-signature": slackSignature(sign.secret ?? SIGNING_SECRET, ts, body) } };
}

function post(s: TestService, payload: unknown, sign: { secret?: string; timestamp?: number } = {}) {
  return s.app.request(PATH, signed(s, payload, sign));
}

const ephemerals = (r: Receiver) => r.got.filter((g) => g.path === "/api/chat.postEphemeral").map((g) => g.json as { user: string; text: string });

async function ephemeralCount(r: Receiver, count: number) {
  for (let i = 0; i < 100 && ephemerals(r).length < count; i++) await new Promise((done) => setTimeout(done, 20));
  return ephemerals(r);
}

describe("Slack's Approve and Roll back buttons", () => {
  it("approves on a validly signed press and edits the message to show who decided, without buttons", async () => {
    const { s, slack, id } = await setUp();
    const res = await post(s, pressed("deploy_guard_approve", id));
    expect(res.status).toBe(200);
    expect(await s.container.decisions.current(id)).toMatchObject({ action: "approve", actor: "slack:U0ALICE", reason: "via Slack by alice", via: "slack" });

    const update = await nextRequest(slack, 2);
    expect(update.path).toBe("/api/chat.update");
    expect(update.json).toMatchObject({ channel: "C0PAYMENTS", ts: "1700000000.000100" });
    const blocks = update.json.attachments[0].blocks as { type: string; text?: { text: string } }[];
    expect(blocks.find((b) => b.type === "actions")).toBeUndefined();
    const at = (await s.container.decisions.current(id))!.at;
    expect(blocks.some((b) => b.text?.text === ":white_check_mark: Approved by <@U0ALICE> at " + at)).toBe(true);
  });

  it("answers a Roll back press on a rule without a rollback action truthfully: asked, not done, roll back by hand", async () => {
    const { s, slack, id } = await setUp();
    expect((await post(s, pressed("deploy_guard_rollback", id))).status).toBe(200);
    expect(await s.container.decisions.current(id)).toMatchObject({ action: "rollback", actor: "slack:U0ALICE", rollback: { status: "not_configured" } });
    await nextRequest(slack, 3);
    const byPath = (p: string) => slack.got.find((r) => r.path === p)!;
    expect(byPath("/api/chat.postEphemeral").json).toMatchObject({ user: "U0ALICE", text: "No rollback is configured for rule 'default'; roll back by hand." });
    const edited = JSON.stringify(byPath("/api/chat.update").json);
    expect(edited).toContain(`:leftwards_arrow_with_hook: Roll back asked by <@U0ALICE> at ${(await s.container.decisions.current(id))!.at} — roll back by hand`);
    expect(edited).toContain("No rollback is configured for rule 'default'; roll back by hand.");
    expect(edited).not.toMatch(/Roll back requested|Rolled back/);
    expect((await s.container.audit.ofRelease(id))[0]!.message).toMatch(/^Roll back asked by slack:U0ALICE — roll back by hand via slack: .*No rollback is configured for rule 'default'; roll back by hand\.$/);
  });

  it("refuses a bad signature and a request older than five minutes with 401, deciding nothing", async () => {
    const { s, id } = await setUp();
    for (const res of [
      await post(s, pressed("deploy_guard_approve", id), { secret: "not-the-signing-secret" }),
      await post(s, pressed("deploy_guard_approve", id), { timestamp: Math.floor(s.clock.now / 1000) - 301 }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as { detail: string };
      expect(problem.detail).toMatch(/X-Slack-(Signature does not match|Request-Timestamp is more than 5 minutes)/);
      expect(problem.detail).not.toContain(SIGNING_SECRET);
    }
    const unsigned = await s.app.request(PATH, { method: "POST", body: "payload=%7B%7D", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(unsigned.status).toBe(401);
    expect(await s.container.decisions.current(id)).toBeNull();
  });

  it("lets only the listed approvers decide and tells anyone else, in Slack, that nothing was decided", async () => {
    const { s, slack, id } = await setUp({ DEPLOY_GUARD_SLACK_APPROVERS: "U0BOB, U0CAROL" });
    expect((await post(s, pressed("deploy_guard_rollback", id))).status).toBe(200);
    expect(await s.container.decisions.current(id)).toBeNull();
    const ephemeral = await nextRequest(slack, 2);
    expect(ephemeral.path).toBe("/api/chat.postEphemeral");
    expect(ephemeral.json).toMatchObject({ channel: "C0PAYMENTS", user: "U0ALICE" });
    expect((await post(s, pressed("deploy_guard_approve", id, { id: "U0BOB", username: "bob", name: "bob", team_id: "T0001" }))).status).toBe(200);
    expect(await s.container.decisions.current(id)).toMatchObject({ action: "approve", actor: "slack:U0BOB" });
  });

  it("refuses a replay of the same signed press within the signature window, even after a restart, telling the presser, and decides nothing again", async () => {
    const { s, slack, id } = await setUp();
    const press = signed(s, pressed("deploy_guard_approve", id));
    expect((await s.app.request(PATH, press)).status).toBe(200);
    expect(await s.container.decisions.current(id)).toMatchObject({ action: "approve", actor: "slack:U0ALICE" });
    // Someone puts it on hold; the copied approve press, still inside its 5 minutes, must not undo that.
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "checking the payments graphs" })).status).toBeLessThan(300);
    s.clock.now += 4 * 60_000;
    s.restart();
    const replay = await s.app.request(PATH, press);
    expect(replay.status).toBe(200);
    expect(await s.container.decisions.current(id)).toMatchObject({ action: "hold" });
    expect((await s.container.decisions.list(id)).filter((d) => d.action === "approve")).toHaveLength(1);
    expect((await ephemeralCount(slack, 1)).at(-1)).toMatchObject({ user: "U0ALICE", text: expect.stringContaining("already handled") });
  });

  it("still acts on a new press of the same button by the same person", async () => {
    const { s, id } = await setUp();
    expect((await post(s, pressed("deploy_guard_approve", id))).status).toBe(200);
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "checking" })).status).toBeLessThan(300);
    expect((await post(s, pressed("deploy_guard_approve", id))).status).toBe(200);
    expect(await s.container.decisions.current(id)).toMatchObject({ action: "approve", actor: "slack:U0ALICE" });
  });

  it("decides nothing when no approvers are configured, and says so to the presser", async () => {
    const { s, slack, id } = await setUp({ DEPLOY_GUARD_SLACK_APPROVERS: "" });
    expect(s.config.slack.approvers).toEqual([]);
    expect((await post(s, pressed("deploy_guard_rollback", id))).status).toBe(200);
    expect(await s.container.decisions.current(id)).toBeNull();
    expect((await ephemeralCount(slack, 1))[0]).toMatchObject({ user: "U0ALICE", text: expect.stringContaining("No approvers are configured") });
  });

  it("lets anyone in the channel decide only when DEPLOY_GUARD_SLACK_APPROVERS is * or anyone", async () => {
    for (const anyone of ["*", "anyone"]) {
      const { s, id } = await setUp({ DEPLOY_GUARD_SLACK_APPROVERS: anyone });
      expect((await post(s, pressed("deploy_guard_approve", id, { id: "U0DAVE", username: "dave", name: "dave", team_id: "T0001" }))).status).toBe(200);
      expect(await s.container.decisions.current(id)).toMatchObject({ action: "approve", actor: "slack:U0DAVE" });
      s.close();
      await slack?.close();
      svc = slack = undefined;
    }
  });

  it("is in the OpenAPI document as a form post that needs no bearer token", async () => {
    const { s } = await setUp();
    const doc = (await (await s.app.request("/openapi.json")).json()) as any;
    const op = doc.paths[PATH].post;
    expect(op.security).toEqual([]);
    expect(Object.keys(op.requestBody.content)).toEqual(["application/x-www-form-urlencoded"]);
  });

  it("answers a malformed payload with 400 or 422 saying where", async () => {
    const { s } = await setUp();
    const notJson = await post(s, "not json");
    expect(notJson.status).toBe(422);
    const body = "payload=%7Bnope";
    const ts = String(Math.floor(s.clock.now / 1000));
    const res = await s.app.request(PATH, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts, "x-slack-signature": slackSignature(SIGNING_SECRET, ts, body) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe("payload: not JSON");
  });
});
