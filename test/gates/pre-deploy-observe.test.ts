import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const NOW = Date.parse("2026-11-21T12:00:30Z");

/** Edits a copy of the default rule, failing loudly when the line it replaces is gone. */
const edit = (from: RegExp | string, to: string) => (yaml: string) => {
  const edited = yaml.replace(from, to);
  if (edited === yaml) throw new Error(`rules/default.yaml changed: ${String(from)} not found`);
  return edited;
};
// slow: latency only observes; strict: the error-rate signal observes, with a live limit a team set while trying it.
const rulesDir = rulesWith({
  slow: { service: "slow", edit: edit(/^ {4}kind: latency\n/m, "    kind: latency\n    mode: observe\n") },
  strict: { service: "strict", edit: edit(/^ {4}kind: error_rate\n/m, "    kind: error_rate\n    mode: observe\n    limit: 0.05\n") },
});

let svc: TestService;
afterEach(() => svc?.close());

const deploy = async (service: string, phase: string, timestamp: number) => {
  const res = await svc.request("POST", "/api/v1/deploys", { service, version: "4.0.0", phase, timestamp });
  expect(res.status).toBe(202);
  return ((await res.json()) as { release_id: string }).release_id;
};

async function gate(service: string) {
  const res = await svc.request("GET", `/api/v1/services/${service}/gate?environment=production`);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; reason: string; checks: { check: string; status: string; reason: string; signal: string | null }[] };
}

describe("pre-deploy gate and observe mode (issue 12, item 5)", () => {
  it("does not hold new deploys on a failing observe-only signal of a release still being watched", async () => {
    svc = createTestService({ now: NOW, rulesDir });
    const started = NOW - 12 * MIN, finished = NOW - 11 * MIN;
    const before = generateTraffic({ service: "slow", start: started - 60 * MIN, minutes: 60, perMinute: 300, errorRate: 0.005, latencyMs: 80, seed: 7 });
    const after = generateTraffic({ service: "slow", start: finished + MIN, minutes: 15, perMinute: 300, errorRate: 0.008, latencyMs: 400, seed: 8 });
    expect((await svc.request("POST", "/api/v1/logs", { events: [...before, ...after] })).status).toBe(202);
    await deploy("slow", "started", started);
    const id = await deploy("slow", "finished", finished);
    svc.clock.now = NOW + 5 * MIN;
    await svc.container.verdicts.runDue();
    const v = (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as { status: string; checks: { signal: string; status: string; observe: boolean }[] };
    // A small error-rate rise keeps the release watched while the observe-only latency signal already fails.
    expect(v.status).toBe("analyzing");
    expect(v.checks.find((c) => c.signal === "latency")).toMatchObject({ status: "fail", observe: true });

    const g = await gate("slow");
    expect(g.status).toBe("pass");
    expect(g.checks[0]).toMatchObject({ check: "open_verdict", status: "pass", reason: "The running release 4.0.0 is still being watched; nothing fails so far." });
  });

  it("reports, but does not hold on, a live error rate above the limit of an observe-only signal", async () => {
    svc = createTestService({ now: NOW, rulesDir });
    const events = generateTraffic({ service: "strict", start: NOW - 9 * MIN - 30_000, minutes: 10, perMinute: 300, errorRate: 0.12, latencyMs: 80, seed: 3 });
    expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
    const g = await gate("strict");
    expect(g.status).toBe("pass");
    const live = g.checks.find((c) => c.check === "live_error_rate")!;
    expect(live).toMatchObject({ signal: "error_rate", status: "not_judged" });
    expect(live.reason).toMatch(/above the limit of 5\.0 %; the service is already unhealthy\. The signal is in observe mode, so this does not hold the deploy\.$/);
  });
});
