import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, loadedBesideShippedRules, runImport, signal } from "./import-harness.ts";

const argo = (file: string, ...more: string[]) => runImport(["--from", "argo-analysis-template", fixture(`argo/${file}`), ...more]);
const ADDRESS = "the Prometheus address http://prometheus.example.com:9090 is not part of a rule: set DEPLOY_GUARD_PROMETHEUS_URL (docs/integrations/prometheus.md)";

describe("rules import --from argo-analysis-template, on Argo Rollouts' published examples", () => {
  it("turns the documented success-rate template into a rule rules check accepts: fail below 0.95, critical, failureLimit 3 as four failing checks", async () => {
    const run = await argo("prometheus-success-rate.yaml", "--service", "guestbook", "--set", "service-name={{service}}");
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule).toMatchObject({
      name: "success-rate", match: { service: "guestbook", environment: "*" },
      analysis: { mode: "fixed", minutes: 30, interval_minutes: 5, early_fail_after: 4, delay_minutes: 0 },
    });
    const s = signal(rule, "success_rate");
    // Argo compares with no baseline: only the limit can fail the signal.
    expect(s).toMatchObject({ kind: "metric", metric: "success-rate", source: "prometheus", direction: "decrease", limit: 0.95, fail: { relative: 1000, absolute: 0 }, critical: true, no_data: "fail" });
    expect(s.query!.value).toContain('istio_requests_total{reporter="source",destination_service=~"{{service}}",response_code!~"5.*"}[5m]');
    expect(run.warnings).toEqual([
      ADDRESS,
      "provider timeout 40 s is not carried: DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS applies",
      "provider headers (X-Scope-OrgID) are not carried: a rule sends none; put Prometheus behind a URL that needs none, or use DEPLOY_GUARD_PROMETHEUS_TOKEN",
      "a metric without interval and count measures once (or, with count 0 or none, until the rollout ends): its window here is 30 minutes (analysis.minutes)",
      "Argo judges each measurement and fails after failureLimit failed ones; the rule reads one value a minute and compares the mean so far with the limit at every interim check (interval_minutes), failing after early_fail_after failing checks in a row (failureLimit + 1)",
    ]);
    // The header's value is never copied.
    expect(run.out + run.err).not.toContain("tenant_a");
  });

  it("finds the AnalysisTemplate among the Rollout and Services of the App Mesh example, and marks the argument the Rollout passes as UNSET", async () => {
    const run = await argo("appmesh-canary-rollout.yaml", "--service", "my-app");
    expect(run.code, run.err).toBe(0);
    const s = signal(loadedBesideShippedRules(run.out), "success_rate");
    expect(s).toMatchObject({ direction: "decrease", limit: 0.99 });
    expect(s.query!.value).toContain('envoy_cluster_name="UNSET(args.envoy_cluster_name)"');
    expect(run.warnings).toContain(
      "signal success_rate (metric success-rate): argument envoy_cluster_name has no default value (the Rollout passes it): written as UNSET(args.envoy_cluster_name); give --set envoy_cluster_name=VALUE (deploy-guard's {{service}} works) or edit the query",
    );
  });

  it("reads all(result, # < 1000) as a ceiling, and says the range query and the bare selector need attention", async () => {
    const run = await argo("prometheus-range-query.yaml", "--service", "api", "--set", "service-name={{service}}");
    expect(run.code, run.err).toBe(0);
    const s = signal(loadedBesideShippedRules(run.out), "success_rate");
    expect(s).toMatchObject({ direction: "increase", limit: 1000, query: { value: 'http_latency_ms{service="{{service}}"}' } });
    expect(run.warnings).toContain("provider rangeQuery is not carried: the rule reads its analysis window one value a minute");
    expect(run.warnings.some((w) => w.includes("the query is a bare selector"))).toBe(true);
  });

  it("never copies OAuth2 settings or a secret argument into the rule or its messages", async () => {
    const run = await argo("prometheus-oauth2.yaml", "--service", "api");
    expect(run.code, run.err).toBe(0);
    loadedBesideShippedRules(run.out);
    expect(run.warnings).toContain("provider authentication (oauth2) is not carried: deploy-guard authenticates with DEPLOY_GUARD_PROMETHEUS_TOKEN or USERNAME/PASSWORD");
    for (const leaked of ["my-client-id", "tokenUrl", "my-oauth2-provider", "clientSecret", "oauthSecret"]) expect(run.out + run.err).not.toContain(leaked);
  });

  it("imports a ClusterAnalysisTemplate; failureLimit 0 (the default) fails on the first failing check", async () => {
    const run = await argo("cluster-analysis-template.yaml", "--service", "guestbook", "--set", "service-name={{service}}");
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule.description).toBe("Imported from the Argo Rollouts ClusterAnalysisTemplate success-rate by deploy-guard rules import.");
    expect(rule.analysis.early_fail_after).toBe(1);
  });

  it("puts dryRun metrics in observe mode and reads failureCondition result[0] >= 10 as a ceiling of 10", async () => {
    const run = await argo("dry-run-errors.yaml", "--service", "api", "--set", "service-name={{service}}");
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule.signals.map((s) => [s.name, s.mode, s.critical, s.direction, s.limit])).toEqual([
      ["total_5xx_errors", "observe", false, "increase", 10],
      ["total_4xx_errors", "enforce", true, "increase", 10],
    ]);
  });

  it("refuses templates with no Prometheus metric, naming the provider, and asks which template when a file holds several", async () => {
    const web = await argo("args-example-web.yaml");
    expect(web.code).toBe(3);
    expect(web.out).toBe("");
    expect(web.err).toContain("no metric of template args-example could be imported");
    expect(web.err).toContain("metric webmetric uses the web provider: not imported, only prometheus is");
    expect(web.err).not.toContain("token-secret");

    const several = await argo("analysis-templates-job.yaml");
    expect(several.code).toBe(3);
    expect(several.err).toContain("it holds 2 templates (pass, random-fail): choose one with --template NAME");
    const job = await argo("analysis-templates-job.yaml", "--template", "random-fail");
    expect(job.code).toBe(3);
    expect(job.err).toContain("metric random-fail uses the job provider");
    const missing = await argo("analysis-templates-job.yaml", "--template", "nope");
    expect(missing.err).toContain("it has no template named nope (pass, random-fail)");
  });

  it("carries interval × count, initialDelay and a success guard; says what the inconclusive band and the other limits lose", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "dg-argo-")), "template.yaml");
    writeFileSync(file, [
      "apiVersion: argoproj.io/v1alpha1", "kind: AnalysisTemplate", "metadata: { name: Error-Budget }", "spec:", "  metrics:",
      "  - name: success-rate", "    interval: 90s", "    count: 10", "    initialDelay: 2m", "    inconclusiveLimit: 2",
      "    successCondition: isNaN(result[0]) || result[0] >= 0.90", "    failureCondition: result[0] < 0.50",
      "    provider: { prometheus: { query: 'sum(rate(ok{job=\"{{args.job}}\"}[1m])) / sum(rate(all{job=\"{{args.job}}\"}[1m]))' } }",
    ].join("\n"));
    const run = await runImport(["--from", "argo-analysis-template", file, "--service", "api", "--set", "job={{service}}"]);
    expect(run.code, run.err).toBe(0);
    const rule = loadedBesideShippedRules(run.out);
    expect(rule.name).toBe("error-budget");
    // 10 measurements 90 s apart: 2-minute steps (rounded up) over 20 minutes, after a 2-minute delay.
    expect(rule.analysis).toMatchObject({ mode: "fixed", minutes: 20, interval_minutes: 2, delay_minutes: 2, early_fail_after: 1 });
    // The failure condition decides the limit; the success condition's guard lets a missing value pass.
    expect(signal(rule, "success_rate")).toMatchObject({ direction: "decrease", limit: 0.5, no_data: "pass", min_samples: 10 });
    expect(run.warnings).toEqual(expect.arrayContaining([
      "signal success_rate (metric success-rate): measurements meeting neither condition are inconclusive in Argo (the rollout pauses); a rule has no absolute level that holds, so they pass",
      "signal success_rate (metric success-rate): inconclusiveLimit 2 is not carried: a rule has no such count",
      "signal success_rate (metric success-rate): interval 90s is rounded up to whole minutes: a rule reads one value a minute",
    ]));
  });
});
