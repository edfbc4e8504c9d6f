import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hipchatDigestHtml, hipchatHtml } from "../../src/notify/hipchat-notifier.ts";
import type { NotificationPayload } from "../../src/notify/notification-payload.ts";
import { slackDigest, slackMessage } from "../../src/notify/slack-message.ts";
import { deployEventBody, verdictEventBody } from "../../src/sources/datadog/event-payloads.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService();
});
afterEach(() => svc.close());

const count = async (table: string) => ((await svc.sql(`SELECT count(*) AS n FROM ${table}`).get()) as { n: number }).n;
const NOW = "2026-11-21T11:59:00Z";

async function refused(path: string, body: unknown, field: string, contentType = "application/json") {
  const res = await svc.request("POST", path, typeof body === "string" ? body : JSON.stringify(body), { "content-type": contentType });
  expect(res.status, `${path} ${field}`).toBe(422);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const problem = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
  expect(problem.errors.map((e) => e.path), JSON.stringify(problem)).toContain(field);
  expect(problem.errors.find((e) => e.path === field)!.message).toMatch(/control characters, line breaks or bidi overrides \(U\+[0-9A-F]{4} at character \d+\)/);
  return problem;
}

describe("names are validated at every entrance (issue 13, item 6)", () => {
  it("refuses NUL, control characters, newlines and bidi overrides in deploy names, naming the field", async () => {
    const base = { service: "web", version: "1", phase: "started", timestamp: NOW };
    await refused("/api/v1/deploys", { ...base, service: "web\nprod" }, "service");
    await refused("/api/v1/deploys", { ...base, environment: "prod\u0000" + "x" }, "environment");
    await refused("/api/v1/deploys", { ...base, version: "1.0\u202Egnp.exe" }, "version");
    await refused("/api/v1/deploys", { ...base, hosts: ["ok", "h\u2066ost"] }, "hosts[1]");
    await refused("/api/v1/deploys", { ...base, event_id: "e\u001b[31m" }, "event_id");
    expect(await count("releases")).toBe(0);
  });

  it("names the record index in batches, logs and metrics", async () => {
    const ok = { service: "web", version: "1", phase: "started", timestamp: NOW };
    await refused("/api/v1/deploys/batch", { events: [ok, ok, { ...ok, version: "2\u2067" }] }, "events[2].version");
    const ndjson = [JSON.stringify(ok), JSON.stringify({ ...ok, service: "a\u0085b" })].join("\n");
    await refused("/api/v1/deploys/batch", ndjson, "line 2.service", "application/x-ndjson");
    const log = { timestamp: NOW, service: "web", status: 200, latency_ms: 3 };
    await refused("/api/v1/logs", { events: [log, { ...log, host: "h\u0000" }] }, "events[1].host");
    await refused("/api/v1/logs", { events: [{ ...log, route: "/a\r\n/b" }] }, "events[0].route");
    const sample = { name: "cpu", value: 1, timestamp: NOW, service: "web" };
    await refused("/api/v1/metrics", { samples: [{ ...sample, service: "\u202Aweb" }] }, "samples[0].service");
    expect(await count("deploy_events") + await count("log_events") + await count("metric_samples")).toBe(0);
  });

  it("refuses a hostile name arriving through a deploy tool's webhook", async () => {
    const token = ((await (await svc.request("POST", "/api/v1/tokens", { name: "flagger", scope: "ingest" })).json()) as { token: string }).token;
    const body = { name: "web", namespace: "prod", phase: "Progressing", checksum: "c1", metadata: { service: "web\n*", version: "9", timestamp: String(Date.parse(NOW)) } };
    const res = await svc.app.request("/api/v1/webhooks/flagger", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("service");
    expect(await count("deploy_events")).toBe(0);
  });

  it("still takes ordinary names with @, +, / and non-Latin letters", async () => {
    for (const [service, version] of [["@scope/web", "pkg@1.2.3+build.7"], ["ウェブ", "v2"], ["<b>bold</b>", "<!channel>"]]) {
      const res = await svc.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: NOW });
      expect(res.status, service).toBe(202);
    }
  });
});

const hostile: NotificationPayload = {
  type: "verdict", schema_version: 1, release_id: "rel_1", service: "<!channel>", environment: "<!here> prod", version: "<http://evil.example|Open the release>",
  status: "fail", score: 12, summary: "errors rose in <!channel>", reasons: [], decided_at: NOW,
  checks: [{ signal: "<@U123>", kind: "error_rate", status: "fail", baseline: 0.01, candidate: 0.2, change: 19, reason: "<https://x.example|y>" }],
};

/** Every text Slack reads as mrkdwn in a message's blocks. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== "object") return [];
  const o = value as Record<string, unknown>;
  const own = o.type === "mrkdwn" && typeof o.text === "string" ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(mrkdwnTexts)];
}

describe("names are escaped for every channel (issue 13, item 6)", () => {
  it("Slack: no mention or disguised link can form from a name, in mrkdwn blocks or in the fallback text", () => {
    const message = slackMessage(hostile, "https://guard.example.com/releases/rel_1", true);
    // Slack parses markup in the fallback text and in mrkdwn objects; plain_text (header, confirm dialog) shows it literally.
    const parsed = [message.text, ...mrkdwnTexts(message)].join("\n");
    expect(parsed).not.toMatch(/<!channel>|<!here>|<http:\/\/evil|<@U123>|<https:\/\/x\.example/);
    expect(parsed).toContain("&lt;!channel&gt;");
    expect(parsed).toContain("<https://guard.example.com/releases/rel_1|Open the release>");
    const digest = slackDigest({ type: "digest", schema_version: 1, service: "<!channel>", window: { start: NOW, end: NOW }, count: 1, releases: [{ release_id: "rel_1", environment: "p", version: "<!everyone>", status: "fail", summary: "<!here>" }] });
    expect([digest.text, ...mrkdwnTexts(digest)].join("\n")).not.toMatch(/<!everyone>|<!here>|<!channel>/);
  });

  it("HipChat: names are HTML text, not markup", () => {
    const html = hipchatHtml({ ...hostile, service: "<script>alert(1)</script>", version: '"><img src=x onerror=alert(1)>' }, undefined);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("&lt;script&gt;");
    expect(hipchatDigestHtml({ type: "digest", schema_version: 1, service: "<i>x</i>", window: { start: NOW, end: NOW }, count: 1, releases: [] })).not.toContain("<i>");
  });

  it("Datadog: a name cannot page an @handle from an event", () => {
    const deploy = deployEventBody({ release_id: "rel_1", service: "@slack-ops", environment: "prod", version: "pkg@1.2.3", phase: "started", at: Date.parse(NOW) }, undefined);
    expect(`${deploy.title} ${deploy.text}`).not.toMatch(/(^|\s)@slack-ops/);
    expect(deploy.text).toContain("pkg@1.2.3");
    const verdict = verdictEventBody({ release_id: "rel_1", service: "web", environment: "prod", version: "1", status: "fail", score: 1, summary: "bad @pagerduty-oncall", final: true, at: Date.parse(NOW) }, undefined);
    expect(verdict.text).not.toContain(" @pagerduty");
  });
});
