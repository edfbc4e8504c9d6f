import { afterEach, describe, expect, it } from "vitest";
import { SlackApi } from "../../src/notify/slack-api.ts";
import { DELIVERY_LEASE_MS } from "../../src/notify/notification-dispatcher.ts";
import { SlackApiNotifier } from "../../src/notify/slack-api-notifier.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { startReceiver, slackApiAnswer, type Answer, type Receiver, type Received } from "./local-receiver.ts";
import { FAIL_SUMMARY, START, queueVerdict, startRelease } from "./notify-fixtures.ts";

const BOT_TOKEN = "xoxb-test-bot-token-0001";
let svc: TestService | undefined;
let slack: Receiver | undefined;
afterEach(async () => {
  svc?.close();
  await slack?.close();
  svc = undefined;
  slack = undefined;
});

async function setUp(answer: (r: Received, i: number) => Answer = slackApiAnswer, channel = "#deploys") {
  slack = await startReceiver(answer);
  const notifier = new SlackApiNotifier(new SlackApi(`${slack.url}/api`, BOT_TOKEN), channel, true);
  svc = createTestService({ now: START, env: { DEPLOY_GUARD_PUBLIC_URL: "https://guard.example.com" }, notifiers: [notifier] });
  return { s: svc, slack };
}

const rows = async (s: TestService) => (await s.sql("SELECT status, attempts, last_error FROM notifications ORDER BY id").all());

describe("Slack through the Web API", () => {
  it("posts the full Block Kit message for a fail: title and summary once (the text above the colour bar), fields, top reasons with numbers, buttons and link", async () => {
    const { s, slack } = await setUp();
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();

    expect(slack.got).toHaveLength(1);
    const { method, path, headers, json } = slack.got[0]!;
    expect([method, path]).toEqual(["POST", "/api/chat.postMessage"]);
    expect(headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(json).toEqual({
      channel: "#deploys",
      text: `:rotating_light: Failing: pay 3 (production): ${FAIL_SUMMARY}`,
      attachments: [{
        color: "#E01E5A",
        blocks: [
          {
            type: "section",
            fields: [
              { type: "mrkdwn", text: "*Service*\npay" }, { type: "mrkdwn", text: "*Version*\n3" },
              { type: "mrkdwn", text: "*Environment*\nproduction" }, { type: "mrkdwn", text: "*Score*\n12" },
            ],
          },
          {
            type: "section",
            text: {
              type: "mrkdwn",
              text: "*Top reasons*\n"
                + "• *error_rate 0.50 % → 6.00 % (+1100 %)*: 6.0 % of requests failed after the release (630 of 10,500), against 0.5 % before (90 of 18,000): about 12 times as many.\n"
                + "• *latency 80.0 ms → 92.5 ms (+16 %)*: Requests became slower: typical response time 92.5 ms after the release against 80.0 ms before.",
            },
          },
          {
            type: "actions", block_id: "deploy_guard_decision",
            elements: [
              { type: "button", action_id: "deploy_guard_approve", style: "primary", value: id, text: { type: "plain_text", text: "Approve" } },
              {
                type: "button", action_id: "deploy_guard_rollback", style: "danger", value: id, text: { type: "plain_text", text: "Roll back" },
                confirm: {
                  title: { type: "plain_text", text: "Roll back?" }, text: { type: "plain_text", text: "Roll back pay 3 in production?" },
                  confirm: { type: "plain_text", text: "Roll back" }, deny: { type: "plain_text", text: "Cancel" }, style: "danger",
                },
              },
            ],
          },
          { type: "context", elements: [{ type: "mrkdwn", text: `release \`${id}\` · <https://guard.example.com/releases/${id}|Open the release>` }] },
        ],
      }],
      metadata: { event_type: "deploy_guard_alert", event_payload: { key: expect.stringMatching(/^dg-alert-1-[0-9a-f]{24}$/) } },
    });
  });

  it("edits the release's message with chat.update on the next state change instead of posting a second one", async () => {
    const { s, slack } = await setUp();
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "warn", "pay 3 (production) can go on, but keep an eye on it.", 70);
    await s.container.dispatcher.deliverDue();
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();

    expect(slack.got.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/chat.update"]);
    const [post, update] = slack.got;
    expect(post!.json.attachments[0].color).toBe("#ECB22E");
    expect(update!.json).toMatchObject({ channel: "C0PAYMENTS", ts: "1700000000.000100", text: `:rotating_light: Failing: pay 3 (production): ${FAIL_SUMMARY}` });
    expect(update!.json.attachments[0].color).toBe("#E01E5A");
    expect((await s.sql("SELECT release_id, channel, target, ref FROM message_refs").all()))
      .toEqual([{ release_id: id, channel: "slack", target: "", ref: "C0PAYMENTS:1700000000.000100" }]);
  });

  it("retries {ok:false, error:'ratelimited'} with backoff but gives up at once on invalid_auth", async () => {
    const { s, slack } = await setUp((r, i) => (i === 0 ? { status: 200, body: { ok: false, error: "ratelimited" } } : slackApiAnswer(r, i)));
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();
    expect(await rows(s)).toEqual([{ status: "pending", attempts: 1, last_error: "Slack chat.postMessage failed: ratelimited" }]);
    s.clock.now += 11_000;
    await s.container.dispatcher.deliverDue();
    expect(slack.got).toHaveLength(2);
    expect(await rows(s)).toEqual([{ status: "sent", attempts: 2, last_error: null }]);
  });

  it("does not retry invalid_auth", async () => {
    const { s, slack } = await setUp(() => ({ status: 200, body: { ok: false, error: "invalid_auth" } }));
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();
    s.clock.now += 60 * 60_000;
    await s.container.dispatcher.deliverDue();
    expect(slack.got).toHaveLength(1);
    expect(await rows(s)).toEqual([{ status: "failed", attempts: 1, last_error: "Slack chat.postMessage failed: invalid_auth" }]);
  });

  it("posts a new message when the stored one can no longer be edited", async () => {
    const { s, slack } = await setUp((r, i) => (r.path.endsWith("chat.update") ? { status: 200, body: { ok: false, error: "message_not_found" } } : slackApiAnswer(r, i)));
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "warn", "watch it", 70);
    await s.container.dispatcher.deliverDue();
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();
    expect(slack.got.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/chat.update", "/api/chat.postMessage"]);
    expect((await s.sql<{ ref: string }>("SELECT ref FROM message_refs").get())?.ref).toBe("C0PAYMENTS:1700000000.002100");
  });

  it("after a crash cut off a post, finds the posted message by its idempotency key and edits it instead of posting twice", async () => {
    const posted: Received[] = [];
    const { s, slack } = await setUp((r, i) => {
      if (r.path.endsWith("/chat.postMessage")) posted.push(r);
      if (r.path.endsWith("/conversations.history")) {
        return { status: 200, body: { ok: true, messages: posted.map((p, k) => ({ type: "message", ts: `1700000000.00${k}100`, metadata: p.json.metadata })) } };
      }
      return slackApiAnswer(r, i);
    }, "C0DEPLOYS");
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();
    // What kill -9 after Slack answered leaves behind: the attempt 'started' by a dead process, the alert pending, no ref.
    await s.sql("UPDATE effect_attempts SET status = 'started', runner = 'dead-process', finished_at = NULL").run();
    await s.sql("UPDATE notifications SET status = 'pending', sent_at = NULL").run();
    await s.sql("DELETE FROM message_refs").run();
    // On PostgreSQL another replica's attempt counts as dead once its lease has run out.
    s.clock.now += DELIVERY_LEASE_MS;
    s.restart();
    await s.container.dispatcher.deliverDue();

    expect(slack.got.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/conversations.history", "/api/chat.update"]);
    expect(slack.got[1]!.json).toMatchObject({ channel: "C0DEPLOYS", include_all_metadata: true });
    expect(slack.got[2]!.json).toMatchObject({ channel: "C0DEPLOYS", ts: "1700000000.000100" });
    expect(await rows(s)).toEqual([{ status: "sent", attempts: 2, last_error: null }]);
    expect((await s.sql("SELECT attempt, status FROM effect_attempts ORDER BY attempt").all()))
      .toEqual([{ attempt: 1, status: "unknown" }, { attempt: 2, status: "succeeded" }]);
  });
});
