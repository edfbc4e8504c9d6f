import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, loadedBesideShippedRules, runImport } from "./import-harness.ts";

const temp = () => mkdtempSync(join(tmpdir(), "dg-import-cli-"));

describe("deploy-guard rules import: output and errors", () => {
  it("writes the rule to --out instead of stdout, still validating, with the warnings on stderr", async () => {
    const out = join(temp(), "carts.yaml");
    const run = await runImport(["--from", "keptn-slo", fixture("keptn/slo-quality-gates.yaml"), "--out", out, "--name", "carts-gate", "--service", "carts"]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toBe("");
    expect(run.err).toMatch(/^Imported rule carts-gate into .*carts\.yaml: 1 signal\(s\); \d+ thing\(s\) not carried over \(above\)\.$/m);
    expect(loadedBesideShippedRules(readFileSync(out, "utf8")).name).toBe("carts-gate");
  });

  it("answers a file that is not there, not YAML, or not the kind asked for with exit 3 and a message naming file and place", async () => {
    const dir = temp();
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "spec_version: '1.0'\nobjectives:\n  - sli: a\n    pass: [ { criteria: ['<1'] }\n");
    const notSlo = join(dir, "list.yaml");
    writeFileSync(notSlo, "- just\n- a list\n");
    const badField = join(dir, "bad-field.yaml");
    writeFileSync(badField, "spec_version: '1.0'\nobjectives:\n  - sli: a\n    weight: heavy\n");
    const cases: [string[], RegExp][] = [
      [["--from", "keptn-slo", join(dir, "missing.yaml")], /missing\.yaml: cannot read it \(no such file\)/],
      [["--from", "keptn-slo", dir], /cannot read it \(a folder, not a file\)/],
      [["--from", "keptn-slo", broken], /broken\.yaml: line \d+: not valid YAML: /],
      [["--from", "keptn-slo", notSlo], /list\.yaml: not a Keptn slo\.yaml: it has no objectives \(found a list\)/],
      [["--from", "keptn-slo", badField], /bad-field\.yaml: not a Keptn slo\.yaml: objectives\[0\]\.weight: /],
      [["--from", "keptn-slo", fixture("argo/prometheus-oauth2.yaml")], /found kind AnalysisTemplate\); for Argo Rollouts use --from argo-analysis-template/],
      [["--from", "argo-analysis-template", fixture("keptn/slo-quality-gates.yaml")], /no AnalysisTemplate or ClusterAnalysisTemplate in it \(found a Keptn slo\.yaml\); for a Keptn SLO use --from keptn-slo/],
      [["--from", "keptn-slo", fixture("keptn/slo-quality-gates.yaml"), "--sli", fixture("keptn/slo-quality-gates.yaml")], /not a Keptn sli\.yaml: no indicators \(found a Keptn slo\.yaml\)/],
    ];
    for (const [args, message] of cases) {
      const run = await runImport(args);
      expect(run.code, args.join(" ")).toBe(3);
      expect(run.err).toMatch(message);
      expect(run.out).toBe("");
    }
  });

  it("treats usage mistakes as exit 3 with a pointer to --help, and --help as exit 0", async () => {
    const noFrom = await runImport([fixture("keptn/slo-quality-gates.yaml")]);
    expect(noFrom.code).toBe(3);
    expect(noFrom.err).toContain("--from");
    const badFrom = await runImport(["--from", "kayenta", fixture("keptn/slo-quality-gates.yaml")]);
    expect(badFrom.code).toBe(3);
    expect(badFrom.err).toContain("Allowed choices are keptn-slo, argo-analysis-template");
    const badSet = await runImport(["--from", "keptn-slo", fixture("keptn/slo-quality-gates.yaml"), "--set", "PROJECT"]);
    expect(badSet.code).toBe(3);
    expect(badSet.err).toContain("--set PROJECT: expected NAME=VALUE\n(deploy-guard rules import --help shows the usage)");
    const help = await runImport(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: deploy-guard rules import [options] <file>");
  });

  it("refuses to write a rule that would not validate, e.g. a --set value with an unknown placeholder, and exits 1", async () => {
    const out = join(temp(), "never.yaml");
    const run = await runImport(["--from", "argo-analysis-template", fixture("argo/prometheus-success-rate.yaml"), "--set", "service-name={{pod}}", "--out", out]);
    expect(run.code).toBe(1);
    expect(run.err).toContain("The imported rule does not validate, so it was not written:\n  signals[0].query.value: unknown placeholder {{pod}}");
    expect(() => readFileSync(out)).toThrow();
  });
});
