import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadRuleFile, loadRules, type LoadResult } from "../../src/rules/rule-loader.ts";
import { RuleSet } from "../../src/rules/rule-set.ts";
import { codeBlocks } from "../support/readme-blocks.ts";
import { runCli } from "../support/server-process.ts";
import { createTestService, REPO_RULES } from "../support/test-service.ts";

const README = codeBlocks(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));

/** The shipped rules folder (its default rule) plus these files. */
function withDefault(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-extends-"));
  cpSync(REPO_RULES, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const rules = (r: LoadResult) => (r.ok ? r.rules : expect.fail(r.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join("\n")));
const problems = (r: LoadResult) => (r.ok ? [] : r.problems.map((p) => `${p.file.split("/").pop()}: ${p.path}: ${p.message}`));

const ACCOUNTS = `name: accounts
extends: default
match: { service: accounts }
capacity:
  resource: { metric: cpu_percent, limit: 80 }
  volumes: [accounts_opened, accounts_closed]
`;

describe("rules that extend another (extends: NAME)", () => {
  it("a child adding only a capacity block gets every signal and setting of default, and its own name and match", () => {
    const loaded = rules(loadRules(withDefault({ "accounts.yaml": ACCOUNTS })));
    const base = loaded.find((r) => r.name === "default")!, child = loaded.find((r) => r.name === "accounts")!;
    expect(child).toMatchObject({ extends: "default", match: { service: "accounts", environment: "*" }, capacity: { resource: { metric: "cpu_percent", limit: 80 }, volumes: ["accounts_opened", "accounts_closed"] } });
    expect(child.signals).toEqual(base.signals);
    expect([child.baseline, child.analysis, child.confidence, child.actions]).toEqual([base.baseline, base.analysis, base.confidence, base.actions]);
    expect(child.description).toBeUndefined();
    expect(base.capacity).toBeUndefined();
  });

  it("merges signals by name: same name replaces, a new name adds, remove: true drops; scalars override and blocks merge one level", () => {
    const loaded = rules(loadRules(withDefault({ "checkout.yaml": `name: checkout
extends: default
match: { service: checkout }
confidence: 0.95
analysis: { max_minutes: 60 }
signals:
  - { name: latency, remove: true }
  - { name: error_rate, kind: error_rate, fail: { relative: 0.3 }, min_samples: 50 }
  - { name: queue_depth, kind: metric, metric: queue_depth, fail: { relative: 1 } }
` })));
    const base = loaded.find((r) => r.name === "default")!, child = loaded.find((r) => r.name === "checkout")!;
    expect(child.signals.map((s) => s.name)).toEqual(["error_rate", "queue_depth"]);
    // Replaced whole, not merged field by field: the parent's weight and critical are not carried over.
    expect(child.signals[0]).toMatchObject({ fail: { relative: 0.3 }, min_samples: 50, weight: 1, critical: false });
    expect(child.confidence).toBe(0.95);
    expect(child.analysis).toEqual({ ...base.analysis, max_minutes: 60 });
  });

  it("chains: a grandchild gets what its parent added to default, and null takes a parent's block away", () => {
    const loaded = rules(loadRules(withDefault({
      "accounts.yaml": ACCOUNTS,
      "accounts-eu.yaml": "name: accounts-eu\nextends: accounts\nmatch: { service: accounts, environment: eu-* }\ncapacity: { max_cost_rise: 0.1 }\n",
      "accounts-test.yaml": "name: accounts-test\nextends: accounts\nmatch: { service: accounts, environment: test }\ncapacity: null\n",
    })));
    expect(loaded.find((r) => r.name === "accounts-eu")).toMatchObject({ extends: "accounts", capacity: { max_cost_rise: 0.1, volumes: ["accounts_opened", "accounts_closed"] } });
    expect(loaded.find((r) => r.name === "accounts-test")!.capacity).toBeUndefined();
  });

  it("refuses an unknown parent, a cycle, and a child that would compete with its parent, naming the file", () => {
    const dir = withDefault({
      "a.yaml": "name: a\nextends: b\nmatch: { service: a }\n",
      "b.yaml": "name: b\nextends: a\nmatch: { service: b }\n",
      "c.yaml": "name: c\nextends: defualt\nmatch: { service: c }\n",
      "d.yaml": "name: d\nextends: default\n",
      "e.yaml": "name: e\nextends: default\nmatch: { service: e }\nsignals: [{ name: saturation, remove: true }]\n",
    });
    expect(problems(loadRules(dir))).toEqual([
      expect.stringMatching(/^a\.yaml: extends: rules extend each other in a cycle: a \(.*a\.yaml\) → b \(.*b\.yaml\) → a \(.*a\.yaml\)$/),
      expect.stringMatching(/^b\.yaml: extends: rules extend each other in a cycle: a \(.*a\.yaml\) → b \(.*b\.yaml\) → a \(.*a\.yaml\)$/),
      "c.yaml: extends: no rule named 'defualt' in this folder (rules here: a, b, c, d, default, e)",
      "d.yaml: match: give this rule a match of its own: as merged it covers the same services as 'default' and would compete with it",
      "e.yaml: signals[0].remove: 'default' has no signal 'saturation' to remove",
    ]);
  });

  it("names the merged rule when a problem is in a field the child changed", () => {
    const dir = withDefault({ "x.yaml": "name: x\nextends: default\nmatch: { service: x }\nthresholds: { warn: 95 }\n" });
    expect(problems(loadRules(dir))).toEqual(["x.yaml: thresholds.warn: warn must not exceed pass (in the rule as merged with 'default')"]);
  });

  it("a single rule file that extends is merged from its folder (backtest --rules FILE)", () => {
    const dir = withDefault({ "accounts.yaml": ACCOUNTS });
    const loaded = loadRuleFile(join(dir, "accounts.yaml"));
    expect(loaded.ok && loaded.rules.map((r) => [r.name, r.signals.length, r.capacity?.resource.metric])).toEqual([["accounts", 2, "cpu_percent"]]);
  });
});

describe("extends and hot reload", () => {
  let set: RuleSet | undefined;
  afterEach(() => set?.close());

  it("an edit of the parent reaches the child at the next reload; a child naming an unknown parent is refused and the rules before stay", () => {
    const dir = withDefault({ "accounts.yaml": ACCOUNTS });
    set = new RuleSet(dir, pino({ level: "silent" }));
    set.load();
    const defaultYaml = readFileSync(join(dir, "default.yaml"), "utf8");
    writeFileSync(join(dir, "default.yaml"), defaultYaml.replace("confidence: 0.99", "confidence: 0.98"));
    expect(set.reload()).toBe(true);
    expect(set.byName("accounts")!.confidence).toBe(0.98);
    writeFileSync(join(dir, "accounts.yaml"), ACCOUNTS.replace("extends: default", "extends: nothing"));
    expect(set.reload()).toBe(false);
    expect(set.reloadState()).toMatchObject({ status: "refused", files: [expect.stringMatching(/accounts\.yaml$/)], error: expect.stringContaining("extends: no rule named 'nothing'") });
    expect(set.byName("accounts")).toMatchObject({ extends: "default", confidence: 0.98 });
  });
});

describe("GET /api/v1/rules", () => {
  it("shows which rule a merged rule extends, with its merged signals", async () => {
    const svc = createTestService({ rulesDir: withDefault({ "accounts.yaml": ACCOUNTS }) });
    try {
      const body = (await (await svc.request("GET", "/api/v1/rules")).json()) as { rules: { name: string; extends?: string; signals: { name: string }[] }[] };
      expect(body.rules.find((r) => r.name === "accounts")).toMatchObject({ extends: "default", signals: [{ name: "error_rate" }, { name: "latency" }] });
      expect(body.rules.find((r) => r.name === "default")).not.toHaveProperty("extends");
    } finally {
      await svc.close();
    }
  });
});

describe("rules check on rules that extend", () => {
  it("reports the merged rule valid with its signals, and a cycle as a problem in the file, exit 1", async () => {
    const ok = await runCli(["rules", "check", "--rules", withDefault({ "accounts.yaml": ACCOUNTS })]);
    expect(ok.stdout).toMatch(/^ok {2}accounts {2}\(service accounts, environment \*; error_rate, latency\)$/m);
    expect(ok.code).toBe(0);
    const bad = await runCli(["rules", "check", "--rules", withDefault({ "accounts.yaml": ACCOUNTS.replace("extends: default", "extends: accounts") })]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/accounts\.yaml: extends: rules extend each other in a cycle: accounts \(.*accounts\.yaml\) → accounts/);
  }, 30_000);
});

describe("the README's examples", () => {
  it("the Rules example (extends: default) and the Capacity models example (series from Prometheus and Elasticsearch) load", () => {
    const child = README.find((b) => b.heading === "Rules" && b.text.includes("extends: default"))!.text;
    const capacity = README.find((b) => b.heading === "Capacity models" && b.text.startsWith("capacity:"))!.text;
    const loaded = rules(loadRules(withDefault({ "accounts.yaml": child, "orders.yaml": `name: orders\nextends: default\nmatch: { service: orders }\n${capacity}\n` })));
    expect(loaded.find((r) => r.name === "accounts")!.signals.map((s) => s.name)).toEqual(["error_rate", "latency", "queue_depth"]);
    expect(loaded.find((r) => r.name === "orders")!.capacity!.reads.volumes.map((v) => [v.name, v.source, v.count])).toEqual([["accounts_opened", "prometheus", false], ["accounts_closed", "elasticsearch", true]]);
  });
});
