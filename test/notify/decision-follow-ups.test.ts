import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { HipChatNotifier } from "../../src/notify/hipchat-notifier.ts";
import { SlackApi } from "../../src/notify/slack-api.ts";
import { SlackApiNotifier } from "../../src/notify/slack-api-notifier.ts";
import { SlackNotifier } from "../../src/notify/slack-notifier.ts";
import { WebhookNotifier } from "../../src/notify/webhook-notifier.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { slackApiAnswer, startReceiver, type Receiver } from "./local-receiver.ts";
import { START, queueVerdict, startRelease } from "./notify-fixtures.ts";

const BOT_TOKEN = "xoxb-test-bot-token-0003";
const WEBHOOK_SECRET = "webhook-secret-0123456789";

let svc: TestService | undefined;
let receivers: Receiver[] = [];
afterEach(async () => {
  svc?.close();
  svc = undefined;
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

/** A release alerted on Slack (Web API), HipChat and the webhook, as a fail verdict would be. */
async function alerted(slackViaWebhook = false) {
  const slack = await receiver(slackViaWebhook ? undefined : slackApiAnswer);
  const hipchat = await receiver(() => ({ status: 204 }));
  const hook = await receiver();
  const slackNotifier = slackViaWebhook ? new SlackNotifier(`${slack.url}/services/T0/B0/x`) : new SlackApiNotifier(new SlackApi(`${slack.url}/api`, BOT_TOKEN), "#deploys", true);
  svc = createTestService({
    now: START,
    notifiers: [slackNotifier, new HipChatNotifier(hipchat.url, "hipchat-token-0123", "deploys"), new WebhookNotifier(`${hook.url}/hook`, WEBHOOK_SECRET, () => svc!.clock.now)],
  });
  const id = await startRelease(svc, "pay", "3");
  await queueVerdict(svc, id, "fail");
  await svc.container.dispatcher.deliverDue();
  expect([slack.got.length, hipchat.got.length, hook.got.length]).toEqual([1, 1, 1]);
  return { s: svc, slack, hipchat, hook, id };
}

async function settle(s: TestService) {
  for (let i = 0; i < 5; i++) await s.container.dispatcher.deliverDue();
}

describe("a decision made anywhere follows every message already sent for the release", () => {
  it("an API approve edits the Slack message in place, follows up in HipChat and sends a signed webhook decision event, each once", async () => {
    const { s, slack, hipchat, hook, id } = await alerted();
    s.clock.now = START + 60_000;
    const res = await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "approve", reason: "provider outage, not our release" });
    expect(res.status).toBe(201);
    await settle(s);
    s.clock.now += 3_600_000;
    await settle(s);

    expect(slack.got.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/chat.update"]);
    const update = slack.got[1]!.json;
    expect(update).toMatchObject({ channel: "C0PAYMENTS", ts: "1700000000.000100" });
    const blocks = update.attachments[0].blocks as { type: string; text?: { text: string } }[];
    expect(blocks.find((b) => b.type === "actions")).toBeUndefined();
    expect(blocks.map((b) => b.text?.text)).toContain(
      ":white_check_mark: Approved by admin (DEPLOY_GUARD_API_TOKEN) at 2026-11-21T12:01:00.000Z: provider outage, not our release",
    );

    expect(hipchat.got).toHaveLength(2);
    expect(hipchat.got[1]!.json.message).toContain("Approved by admin (DEPLOY_GUARD_API_TOKEN) at 2026-11-21T12:01:00.000Z: provider outage, not our release.");

    expect(hook.got).toHaveLength(2);
    const event = hook.got[1]!;
    expect(event.headers["x-deploy-guard-event"]).toBe("decision");
    expect(event.json).toMatchObject({
      type: "decision", release_id: id, decision: { action: "approve", by: "admin (DEPLOY_GUARD_API_TOKEN)", via: "api", reason: "provider outage, not our release", gate_status: "pass" },
    });
    const sig = Object.fromEntries(String(event.headers["x-deploy-guard-signature"]).split(",").map((p) => p.split("=") as [string, string]));
    expect(sig.v1).toBe(createHmac("sha256", WEBHOOK_SECRET).update(`${sig.t}.${event.body}`).digest("hex"));
  });

  it("with a Slack incoming webhook only, posts a follow-up message instead of an edit", async () => {
    const { s, slack, id } = await alerted(true);
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "waiting for the DBA" })).status).toBe(201);
    await settle(s);
    expect(slack.got).toHaveLength(2);
    expect(slack.got[1]!.path).toBe("/services/T0/B0/x");
    expect(JSON.stringify(slack.got[1]!.json)).toContain(":pause_button: Held by admin (DEPLOY_GUARD_API_TOKEN) at 2026-11-21T12:00:00.000Z: waiting for the DBA");
  });

  it("retries a follow-up the channel refused and never sends it twice", async () => {
    let fail = true;
    const { s, hook, id } = await alerted();
    const flaky = hook.server.listeners("request")[0] as (...a: unknown[]) => void;
    hook.server.removeAllListeners("request");
    hook.server.on("request", (req, res) => {
      if (fail) {
        fail = false;
        req.resume();
        res.writeHead(503).end();
        return;
      }
      flaky(req, res);
    });
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "mark_wrong", feedback: "false_fail", reason: "the provider was down" })).status).toBe(409);
    expect((await s.request("POST", `/api/v1/releases/${id}/decision`, { action: "hold", reason: "checking" })).status).toBe(201);
    await settle(s);
    expect(hook.got).toHaveLength(1);
    s.clock.now += 3_600_000;
    await settle(s);
    s.clock.now += 3_600_000;
    await settle(s);
    expect(hook.got).toHaveLength(2);
    expect(hook.got[1]!.json).toMatchObject({ type: "decision", decision: { action: "hold" } });
  });
});
