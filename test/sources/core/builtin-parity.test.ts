import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_RECORDS } from "../../../src/http/body-records.ts";
import { Sources } from "../../../src/sources/registry.ts";
import { BaselineResolver } from "../../../src/verdicts/baseline-resolver.ts";
import { Evaluator } from "../../../src/verdicts/evaluator.ts";
import { ExternalReader } from "../../../src/verdicts/external-reads.ts";
import { createServiceWithSources, FakeSource, type SourcesService } from "../../support/fake-source.ts";
import { fixedWindow } from "../../support/rule-files.ts";
import { REPO_RULES } from "../../support/test-service.ts";
import { generateTraffic } from "../../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");
let svc: SourcesService | undefined;
afterEach(() => svc?.close());

describe("the builtin source behind MetricSource", () => {
  it("gives the same verdict through query() as the fast path: counts, per-minute spread, 6 h history and latency histogram", async () => {
    // The fixed-window engine judges every signal read through MetricSource (outside signals keep it under the sequential default).
    svc = createServiceWithSources({ rules: { default: fixedWindow(readFileSync(join(REPO_RULES, "default.yaml"), "utf8")) }, sources: {}, now: T + 40 * MIN });
    const traffic = [
      ...generateTraffic({ service: "shop", start: T - 7 * 60 * MIN, minutes: 7 * 60, perMinute: 40, errorRate: 0.01, latencyMs: 100, seed: 1 }),
      ...generateTraffic({ service: "shop", start: T + MIN, minutes: 35, perMinute: 40, errorRate: 0.02, latencyMs: 115, seed: 2 }),
    ];
    for (let i = 0; i < traffic.length; i += MAX_RECORDS) expect((await svc.request("POST", "/api/v1/logs", { events: traffic.slice(i, i + MAX_RECORDS) })).status).toBe(202);
    await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "2", phase: "started", timestamp: T });
    await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "2", phase: "finished", timestamp: T + MIN });
    const release = (await svc.container.releases.list({ limit: 1 }))[0]!;
    const rule = svc.container.verdicts.ruleFor(release);
    const paired = await new BaselineResolver(svc.container.store).resolve(release, rule, T + 31 * MIN);
    const input = { service: "shop", environment: "production", version: "2", rule, paired, final: true, now: svc.clock.now };

    const builtin = svc.container.sources.builtin;
    const forward = new FakeSource("prometheus", (q) => builtin.query(q));
    const outside = new Evaluator(builtin, new ExternalReader(new Sources(builtin, { prometheus: forward }, svc.config), { timeoutMs: 5000, retries: 0, backoffMs: 0 }));
    const viaInterface = await outside.evaluateReading({ ...input, rule: { ...rule, signals: rule.signals.map((s) => ({ ...s, source: "prometheus" as const })) } });
    const fast = await new Evaluator(builtin).evaluate(input);

    expect(fast.checks.map((c) => c.status)).toEqual(["fail", "warn"]);
    expect(viaInterface.checks).toEqual(fast.checks);
    expect(viaInterface.status).toBe(fast.status);
    // Baseline, analysis window and the 6 hours before the baseline, each asked once per signal.
    expect(forward.queries.map((q) => `${q.signal.kind} ${(q.end - q.start) / MIN}`)).toEqual(["error_rate 60", "error_rate 30", "error_rate 360", "latency 60", "latency 30"]);
  });
});
