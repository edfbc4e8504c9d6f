import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createContainer, type Container } from "../../src/container.ts";
import { createApp } from "../../src/http/app.ts";
import { ADMIN_TOKEN, REPO_RULES } from "../support/test-service.ts";
import { startReceiver, type Receiver } from "./local-receiver.ts";
import { START } from "./notify-fixtures.ts";

const SECRETS = {
  DEPLOY_GUARD_SLACK_BOT_TOKEN: "xoxb-secret-bot-token-7777",
  DEPLOY_GUARD_SLACK_SIGNING_SECRET: "signing-secret-value-8888",
  DEPLOY_GUARD_HIPCHAT_TOKEN: "hipchat-secret-token-9999",
  DEPLOY_GUARD_WEBHOOK_SECRET: "webhook-secret-value-6666",
};
const HOOK_PATH = "/hooks/T000/B000/webhook-path-secret-5555";

let container: Container | undefined;
let dir = "";
let receivers: Receiver[] = [];
afterEach(async () => {
  container?.close();
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe("secrets stay out of the log", () => {
  it("logs failed Slack, HipChat and webhook deliveries and a refused Slack request without any token, secret or webhook URL", async () => {
    const slack = await startReceiver(() => ({ status: 200, body: { ok: false, error: "invalid_auth" } }));
    const hipchat = await startReceiver(() => ({ status: 401, body: { error: { code: 401, message: "Invalid OAuth session" } } }));
    const hook = await startReceiver(() => ({ status: 500, body: "boom" }));
    receivers.push(slack, hipchat, hook);
    dir = mkdtempSync(join(tmpdir(), "dg-secrets-"));
    cpSync(REPO_RULES, join(dir, "rules"), { recursive: true });
    const config = loadConfig({
      ...SECRETS,
      DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: join(dir, "rules"), DEPLOY_GUARD_API_TOKEN: ADMIN_TOKEN, DEPLOY_GUARD_DB_SYNC: "normal",
      DEPLOY_GUARD_SLACK_API_URL: `${slack.url}/api`, DEPLOY_GUARD_SLACK_CHANNEL: "#deploys",
      DEPLOY_GUARD_HIPCHAT_URL: hipchat.url, DEPLOY_GUARD_HIPCHAT_ROOM: "Ops",
      DEPLOY_GUARD_WEBHOOK_URL: `${hook.url}${HOOK_PATH}`,
    });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    container = createContainer(config, pino({ level: "debug" }, sink), { now: () => START });
    const app = createApp(container);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
    await app.request("/api/v1/deploys", { method: "POST", headers: auth, body: JSON.stringify({ service: "pay", version: "3", phase: "started", timestamp: START }) });
    await app.request("/api/v1/deploys", { method: "POST", headers: auth, body: JSON.stringify({ service: "pay", version: "3", phase: "failed", timestamp: START }) });
    await container.dispatcher.deliverDue();
    const refused = await app.request("/api/v1/slack/interactions", {
      method: "POST", body: "payload=%7B%7D", headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(START / 1000), "x-slack-signature": "v0=00" },
    });
    expect(refused.status).toBe(401);

    expect([slack, hipchat, hook].map((r) => r.got.length)).toEqual([1, 1, 1]);
    const log = lines.join("");
    expect(log).toContain("Slack chat.postMessage failed: invalid_auth");
    expect(log).toMatch(/127\.0\.0\.1:\d+ answered 401/);
    expect(log).toMatch(/127\.0\.0\.1:\d+ answered 500/);
    expect(log).toContain('"path":"/api/v1/slack/interactions","status":401');
    for (const secret of [...Object.values(SECRETS), HOOK_PATH, ADMIN_TOKEN]) expect(log).not.toContain(secret);
  });
});
