import { afterEach, describe, expect, it } from "vitest";
import type { SourceQuery } from "../../src/sources/source.ts";
import { countsPerMinute, createServiceWithSources, FakeSource, type SourcesService } from "../support/fake-source.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";
import { parseExposition, valueOf } from "../observability/exposition.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");

const rule = (service: string) => `
name: ${service}
match: { service: ${service} }
baseline: { kind: before_deploy, minutes: 60, history_minutes: 0 }
analysis: { minutes: 30, interval_minutes: 5 }
signals:
  - name: errors
    source: datadog
    kind: error_rate
    fail: { relative: 0.5, absolute: 0.001 }
    min_samples: 200
    critical: true
    no_data: hold
    query:
      errors: "sum:errors{service:{{service}},version:{{version}}}.as_count()"
      requests: "sum:hits{service:{{service}},version:{{version}}}.as_count()"
`;

let withSources: SourcesService | undefined;
let svc: TestService | undefined;
afterEach(async () => {
  withSources?.close();
  withSources = undefined;
  await svc?.close();
  svc = undefined;
});

async function deploy(s: { request: SourcesService["request"] }, service: string, version: string, at = T): Promise<string> {
  await s.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: at });
  const done = await s.request("POST", "/api/v1/deploys", { service, version, phase: "finished", timestamp: at + MIN });
  return ((await done.json()) as { release_id: string }).release_id;
}

describe("a claimed chunk, judged outside the write", () => {
  it("records the releases still as judged and skips one redeployed meanwhile, which keeps its new deploy", async () => {
    let redeployed = false;
    const source = new FakeSource("datadog", async (q: SourceQuery) => {
      // Checkout is deployed again while the scheduler reads its data: its judged state is stale by the time it is recorded.
      if (q.service === "checkout" && !redeployed) {
        redeployed = true;
        await withSources!.request("POST", "/api/v1/deploys", { service: "checkout", version: "2", deploy_id: "again", phase: "started", timestamp: T + 39 * MIN });
      }
      return countsPerMinute(1000, () => 0.005)(q);
    });
    withSources = createServiceWithSources({ rules: { checkout: rule("checkout"), cart: rule("cart") }, sources: { datadog: source }, now: T });
    const checkout = await deploy(withSources, "checkout", "2");
    const cart = await deploy(withSources, "cart", "7");
    withSources.clock.now = T + 40 * MIN;

    expect(await withSources.container.verdicts.runAllDue()).toBe(2);

    const stale = await withSources.container.verdicts.get(checkout);
    expect(stale).toMatchObject({ status: "pending", latestDeployId: "again", decidedAt: null, verdict: null });
    const judged = await withSources.container.verdicts.get(cart);
    expect(judged.status).toBe("pass");
    const evaluations = withSources.container.store.statement<{ release: string; kind: string }>("SELECT release_id AS release, kind FROM evaluations ORDER BY id");
    expect(await evaluations.all()).toEqual([{ release: cart, kind: "final" }]);
    // Each judged once: cart's recorded, checkout's superseded by its new deploy, neither counted twice.
    const samples = parseExposition(await withSources.container.metrics.registry.metrics());
    expect(valueOf(samples, "deploy_guard_evaluations_total", { mode: "sequential", result: "ok" })).toBe(1);
    expect(valueOf(samples, "deploy_guard_evaluations_total", { mode: "sequential", result: "superseded" })).toBe(1);
  });
});

describe("rivals of a failing release's onset", () => {
  it("names them in the order their deploys were received, whatever order the database keeps the rows in", async () => {
    svc = createTestService({ now: T + 40 * MIN });
    for (const [service, seed] of [["checkout", 41], ["payments", 43], ["billing", 45]] as const) {
      const traffic = [
        ...generateTraffic({ service, start: T - 60 * MIN, minutes: 61, perMinute: 800, errorRate: 0.005, latencyMs: 80, seed }),
        ...generateTraffic({ service, start: T + MIN, minutes: 35, perMinute: 800, errorRate: 0.06, latencyMs: 80, seed: seed + 1 }),
      ];
      for (let i = 0; i < traffic.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: traffic.slice(i, i + 10_000) })).status).toBe(202);
    }
    const received = svc.clock.now;
    const checkout = await deploy(svc, "checkout", "3");
    // Billing's events are stored first but were received a second later (another replica's clock): payments comes first.
    svc.clock.now = received + 1000;
    await deploy(svc, "billing", "4", T + 30_000);
    svc.clock.now = received;
    await deploy(svc, "payments", "9", T + 30_000);
    svc.clock.now = received;
    await svc.container.verdicts.runDue();

    const v = (await (await svc.request("GET", `/api/v1/releases/${checkout}/verdict`)).json()) as { checks: { signal: string; onset: Record<string, unknown> }[] };
    const onset = v.checks.find((c) => c.signal === "error_rate")!.onset;
    expect(onset.ambiguous).toBe(true);
    expect(onset.reason).toMatch(/Attribution is ambiguous: the deploy of payments 9 \(finished 12:01\) and the deploy of billing 4 \(finished 12:01\) came within 2 minutes/);
  });
});
