import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createDatadogEvents, type DatadogEvents } from "../../../src/sources/datadog/datadog-events.ts";
import { cassette, example, ReplayServer } from "./replay-server.ts";

const API_KEY = "dd-api-key-0123456789abcdef01";
const APP_KEY = "dd-app-key-fedcba98765432100123";
const EVENTS = "/api/v1/events";
const AT = Date.parse("2026-11-21T10:30:00Z");
const POSTED = cassette("v1/Events_3416228/Post-an-event-returns-OK-response_1209415328");
const TOO_OLD = cassette("v1/Events_3416228/Post-an-event-in-the-past-returns-Bad-Request-response_3246443050");

const server = new ReplayServer();
const logLines: string[] = [];
let events: DatadogEvents;

function sink(env: Record<string, string> = {}): DatadogEvents {
  const config = loadConfig({
    DEPLOY_GUARD_DD_API_KEY: API_KEY, DEPLOY_GUARD_DD_APP_KEY: APP_KEY, DEPLOY_GUARD_DD_BASE_URL: server.url, DEPLOY_GUARD_DD_EVENTS: "true",
    DEPLOY_GUARD_DD_MAX_RETRIES: "2", DEPLOY_GUARD_PUBLIC_URL: "https://guard.example.com/", ...env,
  });
  const logger = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
  const made = createDatadogEvents(config, logger, { backoffMs: 5 });
  if (!made) throw new Error("expected a Datadog event sink");
  return made;
}

const sentBodies = () => server.sent("POST", EVENTS).map((r) => JSON.parse(r.body) as Record<string, unknown>);

beforeAll(async () => {
  await server.start();
  events = sink();
});
afterEach(() => {
  server.reset();
  logLines.length = 0;
});
afterAll(() => server.close());

describe("Datadog events: deploys and verdicts on the event stream", () => {
  it("posts a final verdict with the tags, alert type and aggregation key a monitor or overlay filters on", async () => {
    server.answer("POST", EVENTS, POSTED);
    await events.verdict({ release_id: "rel_42", service: "Checkout", environment: "production", version: "1.4.2", status: "fail", summary: "Error rate rose from 0.2 % to 1.9 %.", score: 12.4, at: AT, final: true });

    const [sent] = server.sent("POST", EVENTS);
    expect(sent?.headers["dd-api-key"]).toBe(API_KEY);
    expect(JSON.parse(sent?.body ?? "")).toEqual({
      title: "FAIL verdict: Checkout 1.4.2 in production",
      text: "Error rate rose from 0.2 % to 1.9 %.\nScore: 12\nhttps://guard.example.com/releases/rel_42",
      date_happened: AT / 1000,
      tags: ["service:checkout", "env:production", "version:1.4.2", "deploy-guard:verdict", "status:fail", "final:true"],
      alert_type: "error",
      aggregation_key: "deploy-guard:rel_42",
    });
  });

  it("posts deploy starts and finishes, and interim checks, each with its own tags and alert type", async () => {
    server.answer("POST", EVENTS, POSTED);
    const release = { release_id: "rel_7", service: "search", environment: "staging", version: "2026.11.21-3" };
    await Promise.all([
      events.deploy({ ...release, phase: "started", at: AT }),
      events.deploy({ ...release, phase: "rolled_back", at: AT + 60_000 }),
      events.verdict({ ...release, status: "pass", summary: "No signal changed.", score: null, at: AT + 120_000, final: false }),
    ]);

    const byTitle = Object.fromEntries(sentBodies().map((b) => [b.title, [b.alert_type, b.tags]]));
    expect(byTitle).toEqual({
      "Deploy started: search 2026.11.21-3 in staging": ["info", ["service:search", "env:staging", "version:2026.11.21-3", "deploy-guard:deploy", "phase:started"]],
      "Deploy rolled back: search 2026.11.21-3 in staging": ["warning", ["service:search", "env:staging", "version:2026.11.21-3", "deploy-guard:deploy", "phase:rolled_back"]],
      "PASS interim check: search 2026.11.21-3 in staging": ["success", ["service:search", "env:staging", "version:2026.11.21-3", "deploy-guard:verdict", "status:pass", "final:false"]],
    });
  });

  it("retries a 503 and delivers", async () => {
    server.answer("POST", EVENTS, example("service-unavailable.json", 503), POSTED);
    await events.deploy({ release_id: "rel_1", service: "api", environment: "production", version: "9", phase: "finished", at: AT });
    expect(server.sent("POST", EVENTS)).toHaveLength(2);
    expect(logLines).toEqual([]);
  });

  it("drops the recorded 400 (event too far in the past) at once, logging one line without keys; the caller never sees it", async () => {
    server.answer("POST", EVENTS, TOO_OLD);
    await expect(events.deploy({ release_id: "rel_old", service: "api", environment: "production", version: "1", phase: "started", at: 1000 })).resolves.toBeUndefined();

    expect(server.sent("POST", EVENTS)).toHaveLength(1);
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0] ?? "")).toMatchObject({ level: 40, release_id: "rel_old", event: "deploy", reason: expect.stringContaining("400 from 127.0.0.1") });
    expect(logLines[0]).toContain("Event too far in the past");
    expect(logLines.join("")).not.toMatch(new RegExp(`${API_KEY}|${APP_KEY}`));
  });

  it("gives up on an unreachable Datadog after its retries, without blocking or throwing", async () => {
    const closed = await new ReplayServer().start();
    await closed.close();
    const dead = sink({ DEPLOY_GUARD_DD_BASE_URL: closed.url });
    await expect(dead.verdict({ release_id: "rel_x", service: "api", environment: "production", version: "1", status: "hold", summary: "s", score: null, at: AT, final: true })).resolves.toBeUndefined();
    await dead.flush();
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0] ?? "")).toMatchObject({ reason: `cannot reach ${new URL(closed.url).host}: ECONNREFUSED` });
  });

  it("is off unless DEPLOY_GUARD_DD_EVENTS=true, which needs the keys", () => {
    const logger = pino({ level: "silent" });
    expect(createDatadogEvents(loadConfig({ DEPLOY_GUARD_DD_API_KEY: API_KEY, DEPLOY_GUARD_DD_APP_KEY: APP_KEY }), logger)).toBeUndefined();
    expect(() => loadConfig({ DEPLOY_GUARD_DD_EVENTS: "true" })).toThrow(/DEPLOY_GUARD_DD_EVENTS: needs DEPLOY_GUARD_DD_API_KEY and DEPLOY_GUARD_DD_APP_KEY/);
  });
});
