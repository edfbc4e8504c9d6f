import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { backoffMs } from "../../src/notify/notification-dispatcher.ts";
import { SlackNotifier } from "../../src/notify/slack-notifier.ts";
import { WebhookNotifier } from "../../src/notify/webhook-notifier.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A local receiver that fails the first `failFirst` posts with 503, then accepts. */
async function receiver(failFirst = 0): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      if (failures-- > 0) {
        res.writeHead(503).end("busy");
        return;
      }
      got.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}

let svc: TestService | undefined;
let servers: Server[] = [];
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  servers.forEach((s) => s.close());
  servers = [];
});

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:00Z");

async function failingRelease(s: TestService) {
  await s.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "pay", start: START - 60 * MIN, minutes: 60, perMinute: 300, errorRate: 0.005, latencyMs: 80, seed: 5 }) });
  await s.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "pay", start: START, minutes: 35, perMinute: 300, errorRate: 0.06, latencyMs: 80, seed: 6 }) });
  await s.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "started", timestamp: START });
  const res = await s.request("POST", "/api/v1/deploys", { service: "pay", version: "3", phase: "finished", timestamp: START + MIN });
  return ((await res.json()) as { release_id: string }).release_id;
}

describe("alerts on fail and warn", () => {
  it("posts a Block Kit message to Slack and a signed JSON payload to the webhook, retrying a failing receiver", async () => {
    const slack = await receiver();
    const hook = await receiver(2);
    servers.push(slack.server, hook.server);
    const secret = "webhook-secret-0123456789";
    svc = createTestService({ now: START, notifiers: [new SlackNotifier(`${slack.url}/services/T/B/X`), new WebhookNotifier(`${hook.url}/hook`, secret)] });
    const id = await failingRelease(svc);
    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();

    const dispatcher = svc.container.dispatcher;
    await dispatcher.deliverDue();
    expect(slack.got).toHaveLength(1);
    const message = JSON.parse(slack.got[0]!.body);
    const blocks = message.attachments[0].blocks;
    // Title and summary are said once, in the text Slack shows above the colour bar (and alone in notifications).
    expect(message.text).toMatch(/^:rotating_light: Failing: pay 3 \(production\): /);
    // The sequential default decides at its first look: 6 % errors against 0.5 % is decisive after 10 minutes.
    expect(message.text).toMatch(/should be rolled back: [\d.]+ % of requests failed in the 10 minutes after the release \([\d,]+ of 3,000\), against [\d.]+ % expected/);
    const said = JSON.stringify(blocks);
    expect(said).not.toContain("should be rolled back");
    // The top reason carries the verdict's own numbers: error rate before → after.
    const verdict = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as any;
    const errors = verdict.checks.find((c: any) => c.signal === "error_rate");
    expect(blocks[1].text.text).toContain(`*error_rate ${(errors.baseline * 100).toFixed(2)} % → ${(errors.candidate * 100).toFixed(2)} %`);
    expect(blocks.some((b: any) => b.type === "actions")).toBe(false);

    // The webhook answered 503 twice: the alert waits for its backoff and is retried, the verdict is already stored.
    expect(hook.got).toHaveLength(0);
    for (let attempt = 0; attempt < 2; attempt++) {
      svc.clock.now += 11 * 60_000;
      await dispatcher.deliverDue();
    }
    expect(hook.got).toHaveLength(1);
    const { headers, body } = hook.got[0]!;
    const [t, v1] = String(headers["x-deploy-guard-signature"]).split(",").map((p) => p.split("=")[1]);
    expect(v1).toBe(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
    expect(JSON.parse(body)).toMatchObject({ type: "verdict", release_id: id, status: "fail", service: "pay" });
    const rows = (await svc.sql("SELECT channel, status, attempts FROM notifications ORDER BY channel").all());
    expect(rows).toEqual([{ channel: "slack", status: "sent", attempts: 1 }, { channel: "webhook", status: "sent", attempts: 3 }]);
  });

  it("never breaks the verdict when a channel is unreachable", async () => {
    svc = createTestService({ now: START, notifiers: [new SlackNotifier("http://127.0.0.1:9/unreachable")] });
    const id = await failingRelease(svc);
    svc.clock.now = START + 40 * MIN;
    await svc.container.verdicts.runDue();
    await svc.container.dispatcher.deliverDue();
    const v = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { status: string };
    expect(v.status).toBe("fail");
    const row = (await svc.sql("SELECT status, attempts, last_error FROM notifications").get()) as Record<string, unknown>;
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(String(row.last_error)).toContain("could not reach 127.0.0.1:9");
  });

  it("backs off exponentially up to ten minutes", () => {
    expect(backoffMs(1, () => 0.5)).toBe(5000);
    expect(backoffMs(3, () => 0.5)).toBe(20_000);
    expect(backoffMs(20, () => 0.5)).toBe(600_000);
  });
});
