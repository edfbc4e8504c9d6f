/** The combined and lighter window reads give exactly what the reads they stand for give, on real roll-ups. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exceedanceThreshold } from "../../src/analysis/sequential/latency-evidence.ts";
import type { WindowQuery } from "../../src/telemetry/window-reader.ts";
import { generateTraffic } from "../support/traffic.ts";
import { createTestService, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T08:00:00Z");

describe("combined window reads", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = createTestService({ now: START + 3 * 60 * MIN });
    const events = [
      ...generateTraffic({ service: "cart", start: START, minutes: 90, perMinute: 40, errorRate: 0.02, latencyMs: 80, hosts: ["a", "b", "c"], seed: 3 }),
      // Slower on one host for the last half hour: exceedances that differ by minute and host.
      ...generateTraffic({ service: "cart", start: START + 60 * MIN, minutes: 30, perMinute: 20, errorRate: 0.1, latencyMs: 240, hosts: ["c"], seed: 4 }),
    ];
    for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
  });
  afterAll(async () => svc.close());

  const queries: WindowQuery[] = [
    { service: "cart", environment: "production", start: START, end: START + 90 * MIN },
    { service: "cart", environment: "production", start: START + 30 * MIN, end: START + 90 * MIN, hosts: ["b", "c"] },
    { service: "cart", environment: "production", start: START, end: START + 90 * MIN, excludeHosts: ["a"], routeLike: "/cart%" },
  ];

  it("exceedancesAndHistograms equals exceedanceCounts and histogramsPerMinute read apart", async () => {
    const reader = svc.container.reader;
    for (const q of queries) {
      const bucket = exceedanceThreshold((await reader.requests(q)).hist);
      expect(bucket).toBeGreaterThan(0);
      const both = await reader.exceedancesAndHistograms(q, bucket);
      expect(both.exceed).toEqual(await reader.exceedanceCounts(q, bucket));
      expect(both.hists).toEqual(await reader.histogramsPerMinute(q));
      expect([...both.exceed.values()].some((m) => m.slower > 0)).toBe(true);
    }
  });

  it("minuteTotals equals the per-minute part of a full window read", async () => {
    for (const q of queries) {
      const totals = await svc.container.reader.minuteTotals(q);
      expect(totals.size).toBeGreaterThan(0);
      expect(totals).toEqual((await svc.container.reader.requests(q)).perMinute);
    }
  });
});
