import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { slackButtons } from "../../src/container.ts";

const base = { DEPLOY_GUARD_SLACK_BOT_TOKEN: "xoxb-0123456789", DEPLOY_GUARD_SLACK_CHANNEL: "C0123456", DEPLOY_GUARD_SLACK_SIGNING_SECRET: "s".repeat(32) };

describe("Slack decision buttons", () => {
  it("are shown only when a press can act: signed interactions and an approver list (or anyone, chosen explicitly)", () => {
    expect(slackButtons(loadConfig(base))).toBe(false);
    expect(slackButtons(loadConfig({ ...base, DEPLOY_GUARD_SLACK_APPROVERS: "U0123ABCD" }))).toBe(true);
    expect(slackButtons(loadConfig({ ...base, DEPLOY_GUARD_SLACK_APPROVERS: "anyone" }))).toBe(true);
    const { DEPLOY_GUARD_SLACK_SIGNING_SECRET: _unsigned, ...unsigned } = base;
    expect(slackButtons(loadConfig({ ...unsigned, DEPLOY_GUARD_SLACK_APPROVERS: "anyone" }))).toBe(false);
  });
});
