import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SequentialEvidenceReader, type EvidenceScope } from "../../src/verdicts/sequential-evidence.ts";
import { WindowReader } from "../../src/telemetry/window-reader.ts";
import { generateTraffic } from "../support/traffic.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService();
});
afterEach(() => svc.close());

const MINUTE = 60_000;
const DEPLOY = Date.parse("2026-11-21T12:00:00Z");

async function push(hosts: string[], errorRate: number, seed: number, start = DEPLOY - 120 * MINUTE, minutes = 120) {
  const events = generateTraffic({ service: "web", start, minutes, perMinute: 200, errorRate, latencyMs: 80, hosts, seed });
  expect((await svc.request("POST", "/api/v1/logs", { events })).status).toBe(202);
}

function scope(groups?: EvidenceScope["groups"]): EvidenceScope {
  return { service: "web", environment: "production", deployStartedAt: DEPLOY, analysisStart: DEPLOY, candidateEnd: DEPLOY + 10 * MINUTE, historyDays: 1, routeLike: undefined, groups };
}

const rate = (m: { events: number; exposure: number }[]) => m.reduce((s, x) => s + x.events, 0) / m.reduce((s, x) => s + x.exposure, 0);

describe("sequential evidence: the history a forecast is fitted on", () => {
  it("forecasts named updated hosts from their own history, not the whole service's", async () => {
    await push(["web-1"], 0.05, 1);
    await push(["web-2", "web-3", "web-4"], 0.01, 2);
    const reader = new SequentialEvidenceReader(new WindowReader(svc.container.store));
    const service = await reader.rateHistory(scope());
    const own = await reader.rateHistory(scope({ candidate: { hosts: ["web-1"] }, control: { excludeHosts: ["web-1"] } }));
    // The whole service mixes web-1's 5 % with the others' 1 % (3 % in all); web-1 alone is what its candidate minutes are compared with.
    expect(rate(service.history)).toBeLessThan(0.035);
    expect(rate(own.history)).toBeGreaterThan(0.04);
    expect(own.history.reduce((s, m) => s + m.exposure, 0)).toBe(120 * 200);
  });

  it("falls back to the service's history when the named hosts are new", async () => {
    await push(["web-1", "web-2"], 0.01, 3);
    const reader = new SequentialEvidenceReader(new WindowReader(svc.container.store));
    const fresh = await reader.rateHistory(scope({ candidate: { hosts: ["web-9"] }, control: { excludeHosts: ["web-9"] } }));
    expect(fresh.history.reduce((s, m) => s + m.exposure, 0)).toBe(120 * 200);
  });
});
