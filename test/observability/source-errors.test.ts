import { describe, expect, it } from "vitest";
import { PrometheusMetrics } from "../../src/observability/prometheus-metrics.ts";
import type { Readings } from "../../src/observability/metrics-readings.ts";
import { callSource } from "../../src/sources/source-call.ts";
import type { SourceQuery } from "../../src/sources/source.ts";
import { countsPerMinute, FakeSource } from "../support/fake-source.ts";
import { parseExposition, valueOf } from "./exposition.ts";

const EMPTY: Readings = { held: async () => ({ count: 0, oldestAt: null }), analyzing: async () => 0, pendingByChannel: async () => new Map() };
const QUERY: SourceQuery = {
  signal: { name: "errors", kind: "error_rate" }, service: "pay", environment: "production", start: 0, end: 5 * 60_000, stepSeconds: 60,
};
const noWait = () => Promise.resolve();

async function errorsBySource(metrics: PrometheusMetrics, source: string) {
  return valueOf(parseExposition((await metrics.exposition()).body), "deploy_guard_source_errors_total", { source });
}

describe("source errors", () => {
  it("counts every failed attempt of a query by source, a timeout included, and not an answer of no data", async () => {
    const metrics = new PrometheusMetrics({ readings: EMPTY, channels: [], sources: ["prometheus", "datadog"] });
    const policy = { timeoutMs: 200, retries: 1, backoffMs: 0, onSourceError: (kind: Parameters<PrometheusMetrics["sourceError"]>[0]) => metrics.sourceError(kind) };
    expect(await errorsBySource(metrics, "prometheus")).toBe(0);
    expect(await errorsBySource(metrics, "datadog")).toBe(0);

    const flaky = new FakeSource("prometheus", countsPerMinute(100, () => 0.01)).then({ fail: "503 from the server", retryable: true });
    await callSource(flaky, QUERY, policy, noWait);
    expect(await errorsBySource(metrics, "prometheus")).toBe(1);

    const down = new FakeSource("prometheus", countsPerMinute(100, () => 0.01)).keep({ fail: "connection refused", retryable: true });
    await expect(callSource(down, QUERY, policy, noWait)).rejects.toThrow(/connection refused \(2 attempts\)/);
    expect(await errorsBySource(metrics, "prometheus")).toBe(3);

    const slow = new FakeSource("datadog", countsPerMinute(100, () => 0.01)).keep("hang");
    await expect(callSource(slow, QUERY, policy, noWait)).rejects.toThrow(/did not answer/);
    expect(await errorsBySource(metrics, "datadog")).toBe(1);

    const empty = new FakeSource("datadog", countsPerMinute(100, () => 0.01)).keep("nodata");
    await expect(callSource(empty, QUERY, policy, noWait)).rejects.toThrow(/no series matched/);
    expect(await errorsBySource(metrics, "datadog")).toBe(1);
  });

  it("keeps each container's counts in its own registry", async () => {
    const a = new PrometheusMetrics({ readings: EMPTY, channels: [], sources: [] });
    const b = new PrometheusMetrics({ readings: EMPTY, channels: [], sources: [] });
    a.sourceError("elasticsearch");
    expect(await errorsBySource(a, "elasticsearch")).toBe(1);
    expect(await errorsBySource(b, "elasticsearch")).toBeUndefined();
  });
});
