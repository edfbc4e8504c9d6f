import { describe, expect, it } from "vitest";
import { fixture, loadedBesideShippedRules, runImport, signal } from "./import-harness.ts";

const OUT_OF_REACH = { relative: 1000, absolute: 0 };

describe("rules import --from keptn-slo, on Keptn's published examples", () => {
  it("turns the onboarding-carts quality gate into a rule rules check accepts: +10 % warns, 800 ms fails, 600 ms is reported as not carried", async () => {
    const run = await runImport([
      "--from", "keptn-slo", fixture("keptn/slo-quality-gates.yaml"), "--sli", fixture("keptn/sli-config-prometheus.yaml"),
      "--service", "carts", "--set", "PROJECT=sockshop", "--set", "DEPLOYMENT=primary",
    ]);
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule).toMatchObject({
      name: "slo-quality-gates", match: { service: "carts", environment: "*" },
      baseline: { kind: "previous_release", count: 1 }, thresholds: { pass: 90, warn: 75 }, analysis: { minutes: 30 },
    });
    expect(rule.signals).toHaveLength(1);
    // pass: <=+10% AND <600; warning: <=800. Keptn fails only beyond 800 and warns on a +10 % rise or a value over 600.
    expect(signal(rule, "response_time_p95")).toMatchObject({
      kind: "metric", source: "prometheus", direction: "increase", limit: 800,
      fail: OUT_OF_REACH, warn: { relative: 0.1, absolute: 0 }, critical: false, weight: 1, no_data: "fail",
      query: { value: 'histogram_quantile(0.95, sum by(le) (rate(http_response_time_milliseconds_bucket{handler="ItemsController.addToCart",job="{{service}}-sockshop-{{environment}}-primary"}[{{step}}])))' },
    });
    expect(run.warnings).toEqual([
      "signal response_time_p95: Keptn warns on a value above 600; a rule has no absolute warning level, so that warning is not carried",
      "$DURATION_SECONDS (Keptn's whole evaluation window) became {{step}}: the rule reads one value a minute and judges the minutes' mean",
      "Keptn's evaluation window comes from its trigger: the rule reads 30 minutes after the deploy (analysis.minutes); set it to your test's length",
    ]);
    // The file says the same at its top, for whoever reviews it later.
    expect(run.out).toMatch(/^# Imported by deploy-guard rules import --from keptn-slo\./);
    expect(run.out).toContain("# - signal response_time_p95: Keptn warns on a value above 600");
  });

  it("carries the quickstart's key SLI as critical, a relative drop as a decrease floor, and fixed thresholds as limits (spec_version 0.1.0)", async () => {
    const run = await runImport(["--from", "keptn-slo", fixture("keptn/quickstart-slo.yaml"), "--sli", fixture("keptn/quickstart-sli.yaml"), "--service", "podtato-head"]);
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule.signals.map((s) => [s.name, s.direction, s.limit, s.fail.relative, s.critical])).toEqual([
      ["http_response_time_seconds_main_page_sum", "increase", 0.4, 1000, false],
      ["request_throughput", "decrease", undefined, 0.8, false],
      ["go_routines", "increase", 30, 1000, true],
      ["failing_request", "increase", 10, 1000, false],
    ]);
    expect(rule.thresholds).toEqual({ pass: 90, warn: 75 });
    expect(run.warnings).toContain(
      "signal http_response_time_seconds_main_page_sum: the warning criterion (a value above 0.1) is stricter than the pass one, so Keptn never applies it either",
    );
    expect(run.warnings).toContain("signal go_routines: $PROJECT is left in the query (a rule has no project): give --set PROJECT=VALUE, or edit the query");
    expect(run.warnings).toContain("signal go_routines: the query is a bare selector: the Prometheus source refuses an answer of several series (one per instance), so aggregate it (sum, max)");
  });

  it("imports the perftest SLO without an sli.yaml: stand-in queries, a percentage without a sign read as Keptn reads it (relative), informational SLIs left out", async () => {
    const run = await runImport(["--from", "keptn-slo", fixture("keptn/slo-perftest.yaml"), "--service", "simplenode"]);
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule.signals).toHaveLength(12);
    expect(rule.signals.map((s) => s.name)).not.toContain("response_time_p50");
    expect(run.warnings).toContain("SLI response_time_p50 has no pass criteria (informational in Keptn, not scored): not imported");
    // "<=1%" / "<=2%": Keptn's lighthouse treats any % as a change against the baseline (keptn/keptn#1498).
    expect(signal(rule, "error_rate")).toMatchObject({ direction: "increase", fail: { relative: 0.02, absolute: 0 }, warn: { relative: 0.01, absolute: 0 }, weight: 2 });
    expect(signal(rule, "throughput")).toMatchObject({ direction: "decrease", limit: 20000, fail: OUT_OF_REACH });
    expect(signal(rule, "rt_test_echo")).toMatchObject({ direction: "increase", fail: { relative: 0.1, absolute: 0 } });
    expect(signal(rule, "rt_test_echo").warn).toBeUndefined();
    expect(signal(rule, "throughput").query).toEqual({ value: 'throughput{service="{{service}}",environment="{{environment}}"}' });
    expect(run.warnings).toContain("signal throughput: no sli.yaml given (--sli): its query is a stand-in to replace with the PromQL that measures it");
  });

  it("reports pooled comparisons it cannot reproduce exactly, and the rule still validates", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "dg-keptn-")), "slo.yaml");
    writeFileSync(file, [
      "spec_version: '1.0'",
      "comparison: { compare_with: several_results, number_of_comparison_results: 12, include_result_with_score: pass_or_warn, aggregate_function: p90 }",
      "objectives:",
      "  - sli: latency",
      "    pass: [{ criteria: ['<=+10%', '<=+50'] }, { criteria: ['<300'] }]",
      "    warning: [{ criteria: ['<=+20%'] }]",
      "    weight: 0",
      "total_score: { pass: '80%' }",
    ].join("\n"));
    const run = await runImport(["--from", "keptn-slo", file, "--service", "api"]);
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule.baseline).toMatchObject({ kind: "previous_release", count: 10 });
    expect(rule.thresholds).toEqual({ pass: 80, warn: 80 });
    expect(signal(rule, "latency")).toMatchObject({ mode: "observe", fail: { relative: 0.2, absolute: 0 }, warn: { relative: 0.1, absolute: 0 } });
    expect(run.warnings).toEqual(expect.arrayContaining([
      "comparison: number_of_comparison_results 12 is more than a rule pools (10): 10 kept",
      "comparison: include_result_with_score pass_or_warn is not carried: the rule compares with releases that passed or that an operator approved",
      "comparison: aggregate_function p90 is not carried: the 10 releases' windows are pooled, close to an average",
      "signal latency: criteria sets joined by OR: only the first of each is kept",
      "signal latency: weight 0 (not scored): imported in observe mode",
    ]));
  });
});
