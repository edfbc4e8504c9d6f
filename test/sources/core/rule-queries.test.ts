import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, loadRules } from "../../../src/rules/rule-loader.ts";
import { loadConfig } from "../../../src/config.ts";
import { unconfiguredSignals } from "../../../src/sources/unconfigured-sources.ts";
import { runCli } from "../../support/server-process.ts";

function rulesDir(signal: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-rule-queries-"));
  writeFileSync(join(dir, "r.yaml"), `name: r\nsignals:\n${signal}`);
  return dir;
}

const problems = (signal: string) => {
  const result = loadRules(rulesDir(signal));
  return result.ok ? "" : formatProblems(result.problems).replace(/^.*r\.yaml: /gm, "");
};

describe("a signal's source and query block, checked at rule load", () => {
  it("checks the query block with the source's own schema and fills in its defaults", () => {
    const result = loadRules(rulesDir("  - name: errors\n    source: elasticsearch\n    kind: error_rate\n    fail: { relative: 0.5 }\n    query: { index: 'logs-web-*' }\n"));
    expect(result.ok && result.rules[0]!.signals[0]!.query).toMatchObject({ index: "logs-web-*", time_field: "@timestamp", fields: { service: "service.name" }, errors: { status_at_least: 500 } });
    expect(problems("  - name: errors\n    source: elasticsearch\n    kind: error_rate\n    fail: { relative: 0.5 }\n    query: { time_field: '@timestamp' }\n"))
      .toBe("signals[0].query.index: Invalid input: expected string, received undefined");
  });

  it("refuses a query that does not fit the signal's kind, a missing one, and one on builtin", () => {
    expect(problems("  - name: p95\n    source: datadog\n    kind: latency\n    fail: { relative: 0.2 }\n    query: { errors: 'sum:e{*}', requests: 'sum:r{*}' }\n"))
      .toMatch(/^signals\[0\]\.query: a latency signal needs one metric query/);
    expect(problems("  - name: p95\n    source: prometheus\n    kind: latency\n    fail: { relative: 0.2 }\n")).toBe("signals[0].query: required when source is prometheus");
    expect(problems("  - name: errors\n    kind: error_rate\n    fail: { relative: 0.5 }\n    query: { index: 'logs-*' }\n")).toBe("signals[0].query: source builtin takes no query block");
    expect(problems("  - name: errors\n    source: elasticsearch\n    kind: error_rate\n    by_route: true\n    fail: { relative: 0.5 }\n    query: { index: 'logs-*' }\n"))
      .toBe("signals[0].by_route: only for source builtin, whose telemetry keeps each route apart");
  });

  it("warns about a capacity series whose source this environment does not configure", () => {
    const dir = rulesDir("  - name: errors\n    kind: error_rate\n    fail: { relative: 0.5 }\n");
    writeFileSync(join(dir, "r.yaml"), `name: r\nsignals:\n  - name: errors\n    kind: error_rate\n    fail: { relative: 0.5 }\ncapacity:\n  source: prometheus\n`
      + `  resource: { name: cpu, limit: 80, query: 'avg(cpu)' }\n  volumes: [{ name: orders, query: 'sum(increase(orders[{{step}}]))' }]\n`);
    const result = loadRules(dir);
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(unconfiguredSignals(result.rules, loadConfig({}))).toEqual([
      "rule 'r', capacity series 'cpu': Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL); its capacity comparison will be no data",
      "rule 'r', capacity series 'orders': Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL); its capacity comparison will be no data",
    ]);
    expect(unconfiguredSignals(result.rules, loadConfig({ DEPLOY_GUARD_PROMETHEUS_URL: "http://127.0.0.1:9090" }))).toEqual([]);
  });

  it("warns in `rules check`, without failing it, about a signal whose source this environment does not configure", async () => {
    const dir = rulesDir("  - name: errors\n    source: prometheus\n    kind: error_rate\n    fail: { relative: 0.5 }\n    no_data: fail\n    query: { errors: 'sum(rate(e[{{step}}]))', requests: 'sum(rate(r[{{step}}]))' }\n");
    const result = await runCli(["rules", "check", "--rules", dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("warning: rule 'r', signal 'errors': Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL); it will be judged as missing data (no_data: fail)\n");
    const configured = await runCli(["rules", "check", "--rules", dir], { DEPLOY_GUARD_PROMETHEUS_URL: "http://127.0.0.1:9090" });
    expect(configured.stderr).toBe("");
  });
});
