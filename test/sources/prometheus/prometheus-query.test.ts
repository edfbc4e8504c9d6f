import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.ts";
import { prometheusQueryProblem, prometheusQuerySchema } from "../../../src/sources/prometheus/query-schema.ts";
import { renderPromql } from "../../../src/sources/prometheus/query-template.ts";
import type { SourceQuery } from "../../../src/sources/source.ts";

const q = (over: Partial<SourceQuery> = {}): SourceQuery => ({
  signal: { name: "s", kind: "latency" }, service: "checkout", environment: "production", start: 0, end: 60_000, stepSeconds: 60, ...over,
});

describe("PromQL templates", () => {
  it("escapes label values so a name cannot end the string or the selector", () => {
    expect(renderPromql('x{service="{{service}}",env="{{ environment }}"}', q({ service: 'a"}) or vector(1) #\\', environment: "prod\nx" })))
      .toBe('x{service="a\\"}) or vector(1) #\\\\",env="prod\\nx"}');
  });

  it("turns versions and hosts into literal regular expressions, matching all when the window does not narrow them", () => {
    const t = 'x{version=~"{{version}}",instance=~"{{hosts}}",instance!~"{{excluded_hosts}}"}[{{step}}]';
    expect(renderPromql(t, q())).toBe('x{version=~".*",instance=~".*",instance!~"a^"}[60s]');
    expect(renderPromql(t, q({ version: "1.4.2+build.7", hosts: ["web-1", "db(2)"], excludeHosts: ["web-3"], stepSeconds: 300 })))
      .toBe('x{version=~"1\\\\.4\\\\.2\\\\+build\\\\.7",instance=~"(?:web-1|db\\\\(2\\\\))",instance!~"(?:web-3)"}[300s]');
  });

  it("refuses a window limited to hosts when the template cannot filter by host", () => {
    expect(() => renderPromql("x", q({ excludeHosts: ["web-1"] }))).toThrow("no {{excluded_hosts}} placeholder");
    expect(() => renderPromql("x", q({ version: "2.0.0" }))).not.toThrow();
  });
});

describe("the prometheus query block", () => {
  it("takes errors and requests, or value, and names an unknown placeholder", () => {
    expect(prometheusQuerySchema.safeParse({ errors: "a", requests: "b" }).success).toBe(true);
    expect(prometheusQuerySchema.safeParse({ value: "a" }).success).toBe(true);
    expect(prometheusQuerySchema.safeParse({ errors: "a" }).success).toBe(false);
    expect(prometheusQuerySchema.safeParse({ value: "a", errors: "b", requests: "c" }).success).toBe(false);
    const unknown = prometheusQuerySchema.safeParse({ value: 'x{pod="{{pod}}"}' });
    expect(unknown.error?.issues.map((i) => i.message)).toContain("unknown placeholder {{pod}}; use {{service}}, {{environment}}, {{version}}, {{hosts}}, {{excluded_hosts}}, {{step}}");
  });

  it("says which queries a signal kind needs", () => {
    expect(prometheusQueryProblem("error_rate", { value: "x" })).toBe("an error_rate signal needs errors and requests queries");
    expect(prometheusQueryProblem("metric", { errors: "x", requests: "y" })).toBe("a metric signal needs a value query");
    expect(prometheusQueryProblem("latency", { value: "x" })).toBeUndefined();
  });
});

describe("Prometheus configuration", () => {
  it("reads the URL, the auth and the limits", () => {
    expect(loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: "https://mimir.internal/prometheus/", DEPLOY_GUARD_PROMETHEUS_TOKEN: "tok-123" }).prometheus)
      .toEqual({ url: "https://mimir.internal/prometheus", auth: { token: "tok-123" }, timeoutMs: 10_000 });
  });

  it("refuses credentials in the URL without echoing them, and half-given auth", () => {
    const err = (env: Record<string, string>) => { try { loadConfig(env); } catch (e) { return e as Error; } return undefined; };
    const inUrl = err({ DEPLOY_GUARD_PROMETHEUS_URL: "https://guard:hunter22@prom.internal" });
    expect(inUrl).toBeInstanceOf(ConfigError);
    expect(inUrl?.message).toContain("DEPLOY_GUARD_PROMETHEUS_URL: no credentials in the URL");
    expect(inUrl?.message).not.toContain("hunter22");
    expect(err({ DEPLOY_GUARD_PROMETHEUS_URL: "http://p:9090", DEPLOY_GUARD_PROMETHEUS_USERNAME: "guard" })?.message).toContain("set both or neither");
    expect(err({ DEPLOY_GUARD_PROMETHEUS_TOKEN: "tok-123" })?.message).toContain("DEPLOY_GUARD_PROMETHEUS_URL: required");
  });
});
