import { afterEach, describe, expect, it } from "vitest";
import { HIPCHAT_MAX_MESSAGE, HipChatNotifier } from "../../src/notify/hipchat-notifier.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { startReceiver, type Receiver } from "./local-receiver.ts";
import { FAIL_SUMMARY, START, queueVerdict, startRelease } from "./notify-fixtures.ts";

const HIPCHAT_TOKEN = "hipchat-room-token-0003";
let svc: TestService | undefined;
let hipchat: Receiver | undefined;
afterEach(async () => {
  svc?.close();
  await hipchat?.close();
});

async function setUp() {
  hipchat = await startReceiver(() => ({ status: 204 }));
  svc = createTestService({
    now: START, env: { DEPLOY_GUARD_PUBLIC_URL: "https://guard.example.com/" },
    notifiers: [new HipChatNotifier(`${hipchat.url}/`, HIPCHAT_TOKEN, "Release Ops")],
  });
  return { s: svc, hipchat };
}

describe("HipChat room notifications (Server / Data Center API v2)", () => {
  it("posts to /v2/room/{url-encoded room}/notification with the bearer token, red, notify and an HTML message", async () => {
    const { s, hipchat } = await setUp();
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail");
    await s.container.dispatcher.deliverDue();
    expect(hipchat.got).toHaveLength(1);
    const { method, path, headers, json } = hipchat.got[0]!;
    expect([method, path]).toEqual(["POST", "/v2/room/Release%20Ops/notification"]);
    expect(headers.authorization).toBe(`Bearer ${HIPCHAT_TOKEN}`);
    expect(headers["content-type"]).toBe("application/json");
    expect(json).toEqual({
      color: "red", message_format: "html", notify: true, from: "deploy-guard",
      message: `<strong>Failing: pay 3 (production)</strong><br>${FAIL_SUMMARY}<ul>`
        + "<li><b>error_rate 0.50 % → 6.00 % (+1100 %)</b>: 6.0 % of requests failed after the release (630 of 10,500), against 0.5 % before (90 of 18,000): about 12 times as many.</li>"
        + "<li><b>latency 80.0 ms → 92.5 ms (+16 %)</b>: Requests became slower: typical response time 92.5 ms after the release against 80.0 ms before.</li></ul>"
        + `Score 12 · release <code>${id}</code> · <a href="https://guard.example.com/releases/${id}">Open the release</a>`,
    });
  });

  it("colours each status and notifies the room only for fail and hold", async () => {
    const { s, hipchat } = await setUp();
    for (const status of ["pass", "warn", "fail", "hold"] as const) {
      const id = await startRelease(s, "pay", `v-${status}`);
      s.container.rules.replace([{ ...s.container.verdicts.ruleFor(await s.container.verdicts.get(id)), actions: { notify: ["hipchat"], notify_on: ["pass", "warn", "fail", "hold"] } }]);
      await queueVerdict(s, id, status, `${status} summary`);
    }
    await s.container.dispatcher.deliverDue();
    const seen = Object.fromEntries(hipchat.got.map((r) => [r.json.message.match(/release <code>[^<]+<\/code>/) && r.json.color, r.json.notify]));
    expect(seen).toEqual({ green: false, yellow: false, red: true, purple: true });
  });

  it("escapes HTML from the summary and keeps the message within 10,000 characters", async () => {
    const { s, hipchat } = await setUp();
    const id = await startRelease(s, "pay", "3");
    await queueVerdict(s, id, "fail", `<script>alert("x")</script> & ${"<b>".repeat(5000)}`);
    await s.container.dispatcher.deliverDue();
    const message: string = hipchat.got[0]!.json.message;
    expect(message).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;");
    expect(message).not.toContain("<script>");
    expect(message).not.toMatch(/<b>&lt;b&gt;/);
    expect(message.length).toBeLessThanOrEqual(HIPCHAT_MAX_MESSAGE);
  });
});
