import { afterEach, describe, expect, it } from "vitest";
import { createServiceWithSources, FakeSource, type SourcesService } from "../../support/fake-source.ts";

const T = Date.parse("2026-11-20T12:00:00Z");
const RULE = "name: default\nsignals:\n  - name: errors\n    kind: error_rate\n    fail: { relative: 0.5 }\n";
const noData = () => ({ kind: "counts" as const, points: [] });

let svc: SourcesService | undefined;
afterEach(() => svc?.close());

describe("/readyz and the outside sources", () => {
  it("reports each configured source, stays in service (200, degraded) while one is down, and checks each at most every 15 s", async () => {
    const datadog = new FakeSource("datadog", noData);
    const elasticsearch = new FakeSource("elasticsearch", noData);
    elasticsearch.healthAnswer = async () => ({ ok: false, detail: "401 from es.internal:9200: the API key was refused" });
    svc = createServiceWithSources({ rules: { default: RULE }, sources: { datadog, elasticsearch }, now: T });
    const first = await svc.request("GET", "/readyz");
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      status: "degraded",
      checks: { database: "ok", storage: expect.stringMatching(/^ok/), rules: "ok (1)" },
      sources: { elasticsearch: "failed: 401 from es.internal:9200: the API key was refused", datadog: "ok (3 ms)" },
    });
    svc.clock.now += 14_000;
    await svc.request("GET", "/readyz");
    expect([datadog.healthChecks, elasticsearch.healthChecks]).toEqual([1, 1]);
    svc.clock.now += 2_000;
    elasticsearch.healthAnswer = async () => ({ ok: true, detail: "ok (8 ms)" });
    expect(await (await svc.request("GET", "/readyz")).json()).toMatchObject({ status: "ok", sources: { elasticsearch: "ok (8 ms)", datadog: "ok (3 ms)" } });
    expect([datadog.healthChecks, elasticsearch.healthChecks]).toEqual([2, 2]);
  });

  it("gives up on a health check after 2 s, and probes arriving meanwhile share the one check", async () => {
    const prometheus = new FakeSource("prometheus", noData);
    prometheus.healthAnswer = () => new Promise(() => {});
    svc = createServiceWithSources({ rules: { default: RULE }, sources: { prometheus }, now: T });
    const [a, b] = await Promise.all([svc.request("GET", "/readyz"), svc.request("GET", "/readyz")]);
    expect(a.status).toBe(200);
    expect(((await a.json()) as any).sources).toEqual({ prometheus: "failed: no answer within 2 s" });
    expect(((await b.json()) as any).sources).toEqual({ prometheus: "failed: no answer within 2 s" });
    expect(prometheus.healthChecks).toBe(1);
  });

  it("is plainly ok with pushed telemetry only", async () => {
    svc = createServiceWithSources({ rules: { default: RULE }, sources: {}, now: T });
    expect(await (await svc.request("GET", "/readyz")).json()).toMatchObject({ status: "ok", checks: { database: "ok", storage: expect.stringMatching(/^ok/), rules: "ok (1)" }, sources: {} });
  });
});
