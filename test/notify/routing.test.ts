import { afterEach, describe, expect, it } from "vitest";
import { HipChatNotifier } from "../../src/notify/hipchat-notifier.ts";
import { SlackApi } from "../../src/notify/slack-api.ts";
import { SlackApiNotifier } from "../../src/notify/slack-api-notifier.ts";
import { WebhookNotifier } from "../../src/notify/webhook-notifier.ts";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { slackApiAnswer, startReceiver, type Receiver } from "./local-receiver.ts";
import { START, failedRelease, queueVerdict } from "./notify-fixtures.ts";

const ROUTES = `actions:
  notify_routes:
    - { channel: slack, target: "#payments-alerts", on: [fail, hold] }
    - { channel: hipchat, target: Ops, on: [fail] }
    - { channel: webhook, on: [warn] }
`;
const routed = (yaml: string) => yaml.replace(/actions:\n[\s\S]*$/, ROUTES);

let svc: TestService | undefined;
let receivers: Receiver[] = [];
afterEach(async () => {
  svc?.close();
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function setUp(env: Record<string, string> = {}, slackUrl?: string) {
  const [slack, hipchat, hook] = await Promise.all([startReceiver(slackApiAnswer), startReceiver(() => ({ status: 204 })), startReceiver()]);
  receivers.push(slack, hipchat, hook);
  svc = createTestService({
    now: START, env, rulesDir: rulesWith({ payments: { service: "pay", edit: routed } }),
    notifiers: [
      new SlackApiNotifier(new SlackApi(slackUrl ?? `${slack.url}/api`, "xoxb-routing"), "#deploys", false),
      new HipChatNotifier(hipchat.url, "hipchat-routing-token", "Default Room"),
      new WebhookNotifier(`${hook.url}/hook`, "webhook-secret-0123456789"),
    ],
  });
  return { s: svc, slack, hipchat, hook };
}

const rows = async (s: TestService) => (await s.sql("SELECT channel, target, kind, status FROM notifications ORDER BY id").all());

describe("per-rule routing, de-duplication and throttling", () => {
  it("sends a fail to the rule's Slack channel and HipChat room only, not to the webhook that asked for warnings", async () => {
    const { s, slack, hipchat, hook } = await setUp();
    await failedRelease(s, "pay", "3");
    await s.container.dispatcher.deliverDue();
    expect(slack.got.map((r) => [r.path, r.json.channel])).toEqual([["/api/chat.postMessage", "#payments-alerts"]]);
    expect(hipchat.got.map((r) => r.path)).toEqual(["/v2/room/Ops/notification"]);
    expect(hook.got).toHaveLength(0);
    expect(await rows(s)).toEqual([
      { channel: "slack", target: "#payments-alerts", kind: "verdict", status: "sent" },
      { channel: "hipchat", target: "Ops", kind: "verdict", status: "sent" },
    ]);
  });

  it("sends the same release, channel and status once, however often the verdict is re-sent", async () => {
    const { s, slack, hipchat } = await setUp();
    const id = await failedRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail");
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();
    expect(slack.got).toHaveLength(1);
    expect(hipchat.got).toHaveLength(1);
    await queueVerdict(s, id, "hold", "pay 3 cannot be judged yet.");
    await s.container.dispatcher.deliverDue();
    expect(slack.got.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/chat.update"]);
    expect(hipchat.got).toHaveLength(1);
  });

  it("sends at most N releases per channel, room and service in a window and collapses the rest into one digest at its end", async () => {
    const { s, slack, hipchat } = await setUp({ DEPLOY_GUARD_NOTIFY_THROTTLE_MAX: "3", DEPLOY_GUARD_NOTIFY_THROTTLE_MINUTES: "10" });
    const ids: string[] = [];
    for (let v = 1; v <= 7; v++) ids.push(await failedRelease(s, "pay", `1.0.${v}`));
    await s.container.dispatcher.deliverDue();
    expect(slack.got).toHaveLength(3);
    expect(hipchat.got).toHaveLength(3);
    // A release already alerted is a follow-up: its next state still edits its message.
    await queueVerdict(s, ids[0]!, "hold", "pay 1.0.1 cannot be judged yet.");
    await s.container.dispatcher.deliverDue();
    expect(slack.got.at(-1)!.path).toBe("/api/chat.update");

    s.clock.now = START + 10 * 60_000;
    await s.container.dispatcher.deliverDue();
    const digest = slack.got.at(-1)!.json;
    expect(digest.channel).toBe("#payments-alerts");
    expect(digest.attachments[0].blocks[0].text.text).toBe(":mailbox_with_mail: 4 more alerts for pay");
    expect(digest.attachments[0].blocks[1].text.text.split("\n")).toHaveLength(4);
    expect(hipchat.got.at(-1)!.json).toMatchObject({ color: "gray", notify: false });
    expect(hipchat.got.at(-1)!.json.message).toContain("4 more alerts for pay");
    const counts = (await s.sql("SELECT channel, kind, status, COUNT(*) AS n FROM notifications GROUP BY channel, kind, status ORDER BY channel, kind, status").all());
    expect(counts).toEqual([
      { channel: "hipchat", kind: "digest", status: "sent", n: 1 },
      { channel: "hipchat", kind: "verdict", status: "sent", n: 3 },
      { channel: "hipchat", kind: "verdict", status: "throttled", n: 4 },
      { channel: "slack", kind: "digest", status: "sent", n: 1 },
      { channel: "slack", kind: "verdict", status: "sent", n: 4 },
      { channel: "slack", kind: "verdict", status: "throttled", n: 4 },
    ]);
  });

  it("a dead channel neither delays the verdict nor the other channel", async () => {
    const dead = await startReceiver();
    await dead.close();
    const { s, hipchat } = await setUp({}, `${dead.url}/api`);
    const started = performance.now();
    const id = await failedRelease(s, "pay", "3");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(((await (await s.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { status: string }).status).toBe("fail");
    await s.container.dispatcher.deliverDue();
    expect(hipchat.got).toHaveLength(1);
    const slackRow = (await s.sql("SELECT status, attempts, last_error FROM notifications WHERE channel = 'slack'").get()) as Record<string, unknown>;
    expect(slackRow).toMatchObject({ status: "pending", attempts: 1 });
    expect(String(slackRow.last_error)).toMatch(/^could not reach 127\.0\.0\.1:\d+/);
  });
});
