/**
 * Issue 12: a hold waits for a person, so the person hears of it — with the shipped default rule, no routing written.
 */
import { describe, expect, it } from "vitest";
import type { NotificationPayload } from "../../src/notify/notification-payload.ts";
import type { Notifier } from "../../src/notify/notifier.ts";
import { createTestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MINUTE = 60_000;
const DEPLOY_AT = Date.parse("2026-11-21T09:00:00Z");

class CapturingNotifier implements Notifier {
  readonly channel = "webhook";
  readonly sent: NotificationPayload[] = [];
  async send(payload: NotificationPayload): Promise<void> {
    this.sent.push(payload);
  }
}

describe("holds are loud", () => {
  it("alerts once when a release is held at its longest window under the default rule", async () => {
    const hook = new CapturingNotifier();
    const svc = createTestService({ now: DEPLOY_AT - MINUTE, notifiers: [hook] });
    try {
      const history = generateTraffic({ service: "silent", start: DEPLOY_AT - 120 * MINUTE, minutes: 119, perMinute: 100, errorRate: 0.005, latencyMs: 80, seed: 5 });
      expect((await svc.request("POST", "/api/v1/logs", { events: history })).status).toBe(202);
      for (const phase of ["started", "finished"]) {
        svc.clock.now += MINUTE;
        expect((await svc.request("POST", "/api/v1/deploys", { service: "silent", version: "2.0.0", phase, timestamp: svc.clock.now })).status).toBe(202);
      }
      // The service stops answering after the deploy: no traffic at all, live, minute after minute.
      for (let m = 0; m <= 250; m += 5) {
        svc.clock.now = DEPLOY_AT + m * MINUTE;
        await svc.container.verdicts.runAllDue();
        await svc.container.dispatcher.deliverDue();
      }
      const verdict = (await (await svc.request("GET", "/api/v1/releases?service=silent")).json()) as { releases: { status: string }[] };
      expect(verdict.releases[0]!.status).toBe("hold");
      const holds = hook.sent.filter((p) => p.status === "hold");
      expect(holds).toHaveLength(1);
      expect(hook.sent.filter((p) => (p.status as string) === "analyzing")).toHaveLength(0);
    } finally {
      svc.close();
    }
  }, 120_000);
});
