import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WindowReader } from "../../src/telemetry/window-reader.ts";
import { histogramQuantile } from "../../src/telemetry/latency-histogram.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

let svc: TestService;
beforeEach(() => {
  svc = createTestService();
});
afterEach(() => svc.close());

const T0 = Date.parse("2026-11-21T10:00:00Z");
const rows = async (table: string) => ((await svc.sql(`SELECT count(*) AS n FROM ${table}`).get()) as { n: number }).n;

describe("telemetry push", () => {
  it("stores 10,000 JSON events and rolls them up per minute", async () => {
    const events = generateTraffic({ service: "web", start: T0, minutes: 10, perMinute: 1000, errorRate: 0.02, latencyMs: 100, seed: 1 });
    const res = await svc.request("POST", "/api/v1/logs", { events });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 10_000 });
    expect(await rows("log_events")).toBe(10_000);

    const window = await new WindowReader(svc.container.store).requests({ service: "web", environment: "production", start: T0, end: T0 + 10 * 60_000 });
    expect(window.requests).toBe(10_000);
    expect(window.errors).toBe(events.filter((e) => e.status >= 500).length);
    expect(window.perMinute.size).toBe(10);
    const sorted = events.map((e) => e.latency_ms).sort((a, b) => a - b);
    const trueP95 = sorted[Math.floor(0.95 * sorted.length)]!;
    // Log buckets hold any value to within ±2.5 %.
    expect(Math.abs(histogramQuantile(window.hist, 0.95)! / trueP95 - 1)).toBeLessThan(0.03);
  });

  it("takes NDJSON and counts level error/fatal lines as errors", async () => {
    const lines = [
      { timestamp: T0, service: "jobs", level: "INFO", message: "ok" },
      { timestamp: T0 + 1, service: "jobs", level: "error", message: "boom" },
      { timestamp: T0 + 2, service: "jobs", level: "FATAL", message: "down" },
      { timestamp: new Date(T0 + 3).toISOString(), service: "jobs", status: 502 },
    ].map((l) => JSON.stringify(l));
    const res = await svc.request("POST", "/api/v1/logs", lines.join("\n") + "\n", { "content-type": "application/x-ndjson" });
    expect(res.status).toBe(202);
    const w = await new WindowReader(svc.container.store).requests({ service: "jobs", environment: "production", start: T0, end: T0 + 60_000 });
    expect({ requests: w.requests, errors: w.errors }).toEqual({ requests: 4, errors: 3 });
  });

  it("adds to the same minute across batches", async () => {
    const a = generateTraffic({ service: "web", start: T0, minutes: 1, perMinute: 300, errorRate: 0.1, latencyMs: 50, seed: 2 });
    const b = generateTraffic({ service: "web", start: T0, minutes: 1, perMinute: 200, errorRate: 0.1, latencyMs: 50, seed: 3 });
    await svc.request("POST", "/api/v1/logs", { events: a });
    await svc.request("POST", "/api/v1/logs", { events: b });
    const w = await new WindowReader(svc.container.store).requests({ service: "web", environment: "production", start: T0, end: T0 + 60_000 });
    expect(w.requests).toBe(500);
    let inHist = 0;
    for (const n of w.hist.values()) inHist += n;
    expect(inHist).toBe(500);
  });

  it("stores metric samples as JSON and NDJSON with per-minute means", async () => {
    const samples = Array.from({ length: 120 }, (_, i) => ({ name: "cpu.pct", value: i % 2 === 0 ? 40 : 60, timestamp: T0 + i * 1000, service: "web", host: "h1", tags: { az: "a" } }));
    expect((await svc.request("POST", "/api/v1/metrics", { samples })).status).toBe(202);
    const nd = samples.map((s) => JSON.stringify({ ...s, host: "h2" })).join("\n");
    expect((await svc.request("POST", "/api/v1/metrics", nd, { "content-type": "application/x-ndjson" })).status).toBe(202);
    const m = await new WindowReader(svc.container.store).metric("cpu.pct", { service: "web", environment: "production", start: T0, end: T0 + 120_000 });
    expect(m.points).toEqual([50, 50, 50, 50]);
    expect(await rows("metric_samples")).toBe(240);
  });

  it("prunes raw rows and roll-ups past the retention", async () => {
    await svc.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "web", start: T0, minutes: 3, perMinute: 10, errorRate: 0, latencyMs: 10, seed: 4 }) });
    const removed = await svc.container.telemetry.prune(T0 + 2 * 60_000);
    // 20 raw events, 2 minutes × 4 host/route roll-ups, 2 service-minute roll-ups, and the 2 minutes' late-data notes
    // (the clock is 2 hours past T0).
    expect(removed).toBe(20 + 8 + 2 + 2);
    expect(await rows("log_events")).toBe(10);
  });
});
