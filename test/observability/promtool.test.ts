import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DeliveryError, type Notifier } from "../../src/notify/notifier.ts";
import { failingRelease, MIN, START } from "../decisions/release-fixtures.ts";
import { createTestService } from "../support/test-service.ts";
import { promtool, promtoolMissing } from "./exposition.ts";

const EXAMPLES = fileURLToPath(new URL("../../examples/prometheus", import.meta.url));
const RULES = join(EXAMPLES, "deploy-guard-alerts.yml");
const missing = promtoolMissing();

const dir = mkdtempSync(join(tmpdir(), "deploy-guard-promtool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class DownWebhook implements Notifier {
  readonly channel = "webhook";
  async send(): Promise<void> {
    throw new DeliveryError("the receiver answered 503", true);
  }
}

describe.skipIf(missing !== undefined)(`promtool${missing ? ` (skipped: ${missing})` : ""}`, () => {
  it("passes `promtool check metrics` on the real exposition after a verdict, ingest and a failed alert", async () => {
    const svc = createTestService({ now: START, notifiers: [new DownWebhook()], env: { DEPLOY_GUARD_OPEN_READS: "true" } });
    try {
      await failingRelease(svc);
      await svc.request("POST", "/api/v1/logs", { events: [{ timestamp: START, service: "pay", status: "teapot" }] });
      svc.clock.now = START + 40 * MIN;
      await svc.container.verdicts.runDue();
      await svc.container.dispatcher.deliverDue();
      const text = await (await svc.app.request("/metrics")).text();
      expect(text).toContain('deploy_guard_verdicts_total{service="pay",environment="production",status="fail"} 1');
      const check = promtool(["check", "metrics"], text);
      expect(check.output).toBe("");
      expect(check.code).toBe(0);
    } finally {
      await svc.close();
    }
  });

  it("passes `promtool check rules` on the shipped alert rules", () => {
    const check = promtool(["check", "rules", RULES]);
    expect(check.code, check.output).toBe(0);
    expect(check.output).toContain("SUCCESS: 6 rules found");
  });

  it("passes `promtool check config` on the scrape example, with its token file in place", () => {
    const token = join(dir, "token");
    writeFileSync(token, "metrics-scrape-token-0123456789\n");
    const config = readFileSync(join(EXAMPLES, "prometheus.yml"), "utf8")
      .replace("/etc/prometheus/secrets/deploy-guard-metrics-token", token)
      .replace("- deploy-guard-alerts.yml", `- ${RULES}`);
    writeFileSync(join(dir, "prometheus.yml"), config);
    const check = promtool(["check", "config", join(dir, "prometheus.yml")]);
    expect(check.code, check.output).toBe(0);
  });

  it("fires the held-too-long, not-evaluating and given-up alerts on series that call for them, and not before (`promtool test rules`)", () => {
    writeFileSync(join(dir, "alerts.test.yml"), `
rule_files: [${RULES}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'deploy_guard_releases_held{job="dg", instance="a"}'
        values: '1x120'
      - series: 'deploy_guard_releases_held{job="dg", instance="b"}'
        values: '1x120'
      - series: 'deploy_guard_releases_held_oldest_timestamp_seconds{job="dg", instance="a"}'
        values: '0x120'
      - series: 'deploy_guard_releases_analyzing{job="dg", instance="a"}'
        values: '2x120'
      - series: 'deploy_guard_evaluations_total{job="dg", instance="a", mode="sequential", result="ok"}'
        values: '0+1x30 30x90'
      - series: 'deploy_guard_notification_delivery_failures_total{job="dg", instance="a", channel="slack", gave_up="true"}'
        values: '0x60 1x60'
    alert_rule_test:
      - eval_time: 30m
        alertname: DeployGuardNotEvaluating
        exp_alerts: []
      - eval_time: 70m
        alertname: DeployGuardNotEvaluating
        exp_alerts:
          - exp_labels: { severity: critical }
            exp_annotations:
              summary: "deploy-guard has releases to judge but evaluates none"
              description: "Pipelines polling the gate wait for verdicts that do not come. Check /readyz and the 'evaluation failed' log lines."
      - eval_time: 59m
        alertname: DeployGuardReleaseHeldTooLong
        exp_alerts: []
      - eval_time: 61m
        alertname: DeployGuardReleaseHeldTooLong
        exp_alerts:
          - exp_labels: { severity: warning, job: dg }
            exp_annotations:
              summary: "A release has waited on hold for a person for over an hour"
              description: "1h 1m 0s on hold. Approve, roll back or retry it from the dashboard or Slack."
      - eval_time: 50m
        alertname: DeployGuardAlertsGivenUp
        exp_alerts: []
      - eval_time: 62m
        alertname: DeployGuardAlertsGivenUp
        exp_alerts:
          - exp_labels: { severity: critical, job: dg, channel: slack }
            exp_annotations:
              summary: "deploy-guard gave up on alerts to slack"
              description: "An alert will not be retried: someone did not hear of a verdict. The dashboard still shows it."
`);
    const run = promtool(["test", "rules", join(dir, "alerts.test.yml")]);
    expect(run.code, run.output).toBe(0);
  });
});
