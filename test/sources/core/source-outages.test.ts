import { afterEach, describe, expect, it } from "vitest";
import type { SourceQuery } from "../../../src/sources/source.ts";
import { countsPerMinute, createServiceWithSources, FakeSource, type SourcesService } from "../../support/fake-source.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");
const DD_API_KEY = "dd-api-key-0123456789abcdef";

const rule = (noData: string, extra = "") => `
name: checkout
match: { service: checkout }
baseline: { kind: before_deploy, minutes: 60, history_minutes: 0 }
analysis: { minutes: 30, interval_minutes: 5 }
signals:
  - name: errors
    source: datadog
    kind: error_rate
    fail: { relative: 0.5, absolute: 0.001 }
    min_samples: 200
    critical: true
    no_data: ${noData}
    query:
      errors: "sum:trace.http.request.errors{service:{{service}},version:{{version}}}.as_count()"
      requests: "sum:trace.http.request.hits{service:{{service}},version:{{version}}}.as_count()"
${extra}`;

/** 1,000 requests a minute; 0.5 % fail before the release, and `after` once the candidate's version is asked for. */
const datadog = (after = 0.005) => new FakeSource("datadog", countsPerMinute(1000, (q: SourceQuery) => (q.version === "2.0.0" ? after : 0.005)));

let svc: SourcesService | undefined;
afterEach(() => svc?.close());

async function releaseJudged(s: SourcesService): Promise<any> {
  await s.request("POST", "/api/v1/deploys", { service: "checkout", environment: "production", version: "2.0.0", phase: "started", timestamp: T, hosts: ["web-1"] });
  await s.request("POST", "/api/v1/deploys", { service: "checkout", environment: "production", version: "2.0.0", phase: "finished", timestamp: T + MIN, hosts: ["web-1"] });
  s.clock.now = T + 40 * MIN;
  expect(await s.container.verdicts.runAllDue()).toBe(1);
  const list = (await (await s.request("GET", "/api/v1/releases?service=checkout")).json()) as any;
  return (await (await s.request("GET", `/api/v1/releases/${list.releases[0].id}/verdict`)).json());
}

describe("signals read from an outside source", () => {
  it("asks the source for the baseline and the analysis window, with the candidate's version, and judges its counts", async () => {
    const source = datadog(0.02);
    svc = createServiceWithSources({ rules: { checkout: rule("hold") }, sources: { datadog: source }, now: T });
    const verdict = await releaseJudged(svc);
    expect(verdict.status).toBe("fail");
    expect(verdict.checks[0]).toMatchObject({ signal: "errors", status: "fail", baseline: 0.005, candidate: 0.02 });
    const windows = source.queries.map((q) => [new Date(q.start).toISOString(), new Date(q.end).toISOString(), q.version ?? null, q.stepSeconds]);
    expect(windows).toEqual([
      ["2026-11-20T11:00:00.000Z", "2026-11-20T12:00:00.000Z", null, 60],
      ["2026-11-20T12:01:00.000Z", "2026-11-20T12:31:00.000Z", "2.0.0", 60],
    ]);
    expect(source.queries[1]).toMatchObject({ service: "checkout", environment: "production", signal: { name: "errors", kind: "error_rate", query: { errors: expect.stringContaining("{{version}}") } } });
  });

  it("holds, naming the source and its timeout, when the source does not answer in time — and drops the request", async () => {
    const source = datadog().keep("hang");
    svc = createServiceWithSources({ rules: { checkout: rule("hold") }, sources: { datadog: source }, env: { DEPLOY_GUARD_SOURCE_TIMEOUT_MS: "300" }, now: T });
    const verdict = await releaseJudged(svc);
    expect(verdict.status).toBe("hold");
    expect(verdict.checks[0].status).toBe("nodata");
    expect(verdict.checks[0].reason).toBe("The errors check could not read its data: Datadog did not answer within 0.3 s; the rule says hold when data is missing.");
    // Not retried (a timeout is not retryable), and the source was told to give up.
    expect(source.queries).toHaveLength(2);
    expect(source.queries.every((q) => q.abort?.aborted)).toBe(true);
  });

  it("asks again after retryable errors (5xx) and judges the answer it then gets", async () => {
    const source = datadog().then({ fail: "503 from api.datadoghq.com", retryable: true }, { fail: "503 from api.datadoghq.com", retryable: true });
    svc = createServiceWithSources({ rules: { checkout: rule("hold") }, sources: { datadog: source }, env: { DEPLOY_GUARD_SOURCE_RETRIES: "2" }, now: T });
    const verdict = await releaseJudged(svc);
    expect(verdict.checks[0].status).toBe("pass");
    expect(verdict.status).toBe("pass");
    expect(source.queries).toHaveLength(4);
  });

  it("gives up after the bounded retries and follows the no-data policy, saying how often it asked", async () => {
    const source = datadog().keep({ fail: "503 from api.datadoghq.com", retryable: true });
    svc = createServiceWithSources({ rules: { checkout: rule("fail") }, sources: { datadog: source }, env: { DEPLOY_GUARD_SOURCE_RETRIES: "1" }, now: T });
    const verdict = await releaseJudged(svc);
    expect(verdict.status).toBe("fail");
    expect(verdict.checks[0].reason).toBe("The errors check could not read its data: Datadog failed: 503 from api.datadoghq.com (2 attempts); the rule says fail when data is missing.");
    expect(source.queries).toHaveLength(4);
  });

  it("does not retry an error that cannot heal, and never shows a secret the source put in its message", async () => {
    const source = datadog().keep({ fail: `403 from api.datadoghq.com: key ${DD_API_KEY} refused`, retryable: false });
    svc = createServiceWithSources({
      rules: { checkout: rule("pass") }, sources: { datadog: source }, now: T,
      env: { DEPLOY_GUARD_DD_API_KEY: DD_API_KEY, DEPLOY_GUARD_DD_APP_KEY: "dd-app-key-0123456789abcdef" },
    });
    const verdict = await releaseJudged(svc);
    expect(verdict.checks[0].reason).toBe("The errors check could not read its data: Datadog failed: 403 from api.datadoghq.com: key [hidden] refused; the rule says pass when data is missing.");
    expect(JSON.stringify(verdict)).not.toContain(DD_API_KEY);
    expect(source.queries).toHaveLength(2);
  });

  it("treats a source that found nothing as missing data, with the window it found nothing in", async () => {
    const source = datadog().then("answer", "nodata");
    svc = createServiceWithSources({ rules: { checkout: rule("hold") }, sources: { datadog: source }, now: T });
    const verdict = await releaseJudged(svc);
    expect(verdict.status).toBe("hold");
    expect(verdict.checks[0].reason).toBe("Not enough data to judge errors: Datadog found no data for the analysis window (no series matched). Rule for missing data: hold.");
  });

  it("judges a signal whose source is not configured by its no-data policy, naming the setting to add, and keeps judging the others", async () => {
    const withBuiltin = rule("hold").replace("name: checkout\n", "name: checkout\n").replace("  - name: errors\n    source: datadog", "  - name: errors\n    source: prometheus")
      .replace(/query:\n.*\n.*\n/, "query:\n      errors: 'sum(increase(http_requests_total{code=~\"5..\"}[{{step}}]))'\n      requests: 'sum(increase(http_requests_total[{{step}}]))'\n");
    svc = createServiceWithSources({ rules: { checkout: withBuiltin }, sources: {}, now: T });
    const verdict = await releaseJudged(svc);
    expect(verdict.status).toBe("hold");
    expect(verdict.checks[0].reason).toBe("The errors check could not read its data: Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL); the rule says hold when data is missing.");
    const ready = (await (await svc.request("GET", "/readyz")).json()) as any;
    expect(ready.status).toBe("degraded");
    expect(ready.warnings).toEqual(["rule 'checkout', signal 'errors': Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL); it will be judged as missing data (no_data: hold)"]);
  });

  it("judges outside signals on POST /releases/{id}/evaluate too, once their window of analysis.minutes is complete", async () => {
    const source = datadog(0.02);
    svc = createServiceWithSources({ rules: { checkout: rule("hold") }, sources: { datadog: source }, now: T });
    await svc.request("POST", "/api/v1/deploys", { service: "checkout", environment: "production", version: "2.0.0", phase: "started", timestamp: T });
    const finished: any = await (await svc.request("POST", "/api/v1/deploys", { service: "checkout", environment: "production", version: "2.0.0", phase: "finished", timestamp: T + MIN })).json();
    // The sequential default judges an outside signal once, on the first 30 minutes: after 20 it is still analyzing.
    svc.clock.now = T + 21 * MIN;
    const early = await svc.request("POST", `/api/v1/releases/${finished.release_id}/evaluate`);
    expect(early.status).toBe(200);
    const waiting = (await early.json()) as any;
    expect(waiting).toMatchObject({ status: "analyzing", final: false });
    expect(waiting.checks[0].reason).toBe("Judged on the first 30 minutes after the deploy; 20 so far.");
    expect(source.queries).toHaveLength(0);

    svc.clock.now = T + 32 * MIN;
    const res = await svc.request("POST", `/api/v1/releases/${finished.release_id}/evaluate`);
    expect(res.status).toBe(200);
    const verdict = (await res.json()) as any;
    expect(verdict).toMatchObject({ status: "fail", final: true });
    expect(source.queries.map((q) => new Date(q.end).toISOString())).toEqual(["2026-11-20T12:00:00.000Z", "2026-11-20T12:31:00.000Z"]);
  });
});
