import { afterEach, describe, expect, it } from "vitest";
import type { NotificationPayload } from "../../src/notify/notification-payload.ts";
import type { Notifier } from "../../src/notify/notifier.ts";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");

/** A webhook channel that keeps what it was sent. */
class RecordingNotifier implements Notifier {
  readonly channel = "webhook";
  readonly sent: NotificationPayload[] = [];
  send(payload: NotificationPayload): Promise<void> {
    this.sent.push(payload);
    return Promise.resolve();
  }
}

const observeRule = (yaml: string) => {
  const edited = yaml.replace(/^description: /m, "mode: observe\ndescription: ");
  if (edited === yaml) throw new Error("rules/default.yaml changed: no description line");
  return edited;
};

let svc: TestService;
afterEach(() => svc?.close());

async function release(service: string, errorRate: number): Promise<string> {
  const push = async (start: number, minutes: number, rate: number, seed: number) => {
    const events = generateTraffic({ service, start, minutes, perMinute: 400, errorRate: rate, latencyMs: 100, seed });
    for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
  };
  await push(T - 60 * MIN, 60, 0.005, 1);
  await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: T });
  const res = await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: T + MIN });
  await push(T + MIN, 35, errorRate, 2);
  return ((await res.json()) as { release_id: string }).release_id;
}

describe("alerts of an observe-only rule (issue 12, item 5)", () => {
  it("alerts a would-have-failed release once, routed by notify_on as a fail, while the gate passes", async () => {
    const hook = new RecordingNotifier();
    svc = createTestService({ rulesDir: rulesWith({ trial: { service: "trial", edit: observeRule } }), now: T + 40 * MIN, notifiers: [hook] });
    const id = await release("trial", 0.05);
    await svc.container.verdicts.runDue();
    await svc.container.dispatcher.deliverDue();
    svc.clock.now += 10 * MIN;
    await svc.container.verdicts.runDue();
    await svc.container.dispatcher.deliverDue();

    expect(hook.sent).toHaveLength(1);
    expect(hook.sent[0]).toMatchObject({ release_id: id, status: "pass" });
    expect(hook.sent[0]!.summary).toMatch(/^Observe only \(rule trial\): would have failed\./);
    expect((await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as object).toMatchObject({ status: "pass", would_have: "fail" });
  });

  it("sends nothing for an observe-only release that would have passed", async () => {
    const hook = new RecordingNotifier();
    svc = createTestService({ rulesDir: rulesWith({ calm: { service: "calm", edit: observeRule } }), now: T + 40 * MIN, notifiers: [hook] });
    const id = await release("calm", 0.005);
    await svc.container.verdicts.runDue();
    await svc.container.dispatcher.deliverDue();
    const v = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, unknown>;
    expect(v).toMatchObject({ status: "pass", observe: true });
    expect(v.would_have).toBe("pass");
    expect(hook.sent).toEqual([]);
  });
});
