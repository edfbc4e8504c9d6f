import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULE } from "../../src/rules/default-rule.ts";
import { loadRules } from "../../src/rules/rule-loader.ts";
import { RuleSet } from "../../src/rules/rule-set.ts";
import { REPO_RULES } from "../support/test-service.ts";

const silent = pino({ level: "silent" });

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-rules-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const minimal = (name: string, service = "*") => `name: ${name}
match: { service: "${service}" }
signals:
  - name: errors
    kind: error_rate
    fail: { relative: 0.5 }
`;

describe("rules", () => {
  it("ships a default rule that validates, with the windows the product promises", () => {
    const result = loadRules(REPO_RULES);
    expect(result.ok).toBe(true);
    const rule = result.ok ? result.rules.find((r) => r.name === "default")! : undefined;
    // Sequential (issue 11): looks from 10 minutes on, up to 4 hours; outside-source and metric signals on 30 minutes.
    expect(rule).toMatchObject({
      match: { service: "*", environment: "*" }, baseline: { kind: "auto", history_days: 7 },
      analysis: { mode: "sequential", max_minutes: 240, minutes: 30, delay_minutes: 0 }, confidence: 0.99,
    });
    expect(rule!.signals.map((s) => [s.name, s.source, s.kind])).toEqual([["error_rate", "builtin", "error_rate"], ["latency", "builtin", "latency"]]);
  });

  it("falls back, when no rule matches, to the same judgement as rules/default.yaml", () => {
    const result = loadRules(REPO_RULES);
    const shipped = result.ok ? result.rules.find((r) => r.name === "default")! : undefined;
    const strip = (r: typeof DEFAULT_RULE) => ({ ...r, name: "", description: undefined, signals: r.signals.map((sig) => ({ ...sig, description: undefined })) });
    expect(strip(DEFAULT_RULE)).toEqual(strip(shipped!));
  });

  it("reports the file and the field of every problem", () => {
    const dir = dirWith({
      "a.yaml": minimal("a").replace("kind: error_rate", "kind: error_rate\n    direction: upward"),
      "b.yaml": "name: b\nsignals: []\n",
      "c.yml": "name: c\n  bad: [indent",
    });
    const result = loadRules(dir);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.map((p) => `${p.file.split("/").pop()}: ${p.path}`);
    expect(problems).toEqual(expect.arrayContaining(["a.yaml: signals[0].direction", "b.yaml: signals", expect.stringMatching(/^c\.yml: line \d/)]));
  });

  it("rejects duplicate rule names across files and duplicate signals", () => {
    const dir = dirWith({ "a.yaml": minimal("same"), "b.yaml": minimal("same", "cart") });
    const result = loadRules(dir);
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([expect.stringContaining("rule 'same' is also defined in")]);
  });

  it("chooses the most specific matching rule", () => {
    const dir = dirWith({ "all.yaml": minimal("all"), "checkout.yaml": minimal("checkout", "checkout"), "pay.yaml": minimal("pay", "pay*") });
    const set = new RuleSet(dir, silent);
    set.load();
    expect(set.resolve("checkout", "production")?.name).toBe("checkout");
    expect(set.resolve("payments", "staging")?.name).toBe("pay");
    expect(set.resolve("search", "production")?.name).toBe("all");
  });

  it("keeps the previous rules in force when a reload finds a bad file", () => {
    const dir = dirWith({ "all.yaml": minimal("all") });
    const set = new RuleSet(dir, silent);
    set.load();
    writeFileSync(join(dir, "broken.yaml"), "name: broken\nsignals: nope\n");
    expect(set.reload()).toBe(false);
    expect(set.all().map((r) => r.name)).toEqual(["all"]);
    writeFileSync(join(dir, "broken.yaml"), minimal("fixed", "x"));
    expect(set.reload()).toBe(true);
    expect(set.all().map((r) => r.name)).toEqual(["all", "fixed"]);
  });

  it("reloads on change while watching", async () => {
    const dir = dirWith({ "all.yaml": minimal("all") });
    const set = new RuleSet(dir, silent);
    set.load();
    set.watch();
    try {
      writeFileSync(join(dir, "new.yaml"), minimal("new", "svc"));
      await expect.poll(() => set.all().map((r) => r.name), { timeout: 5000 }).toContain("new");
    } finally {
      set.close();
    }
  });

  it("keeps a refused reload's file and error until a reload succeeds", () => {
    const dir = dirWith({ "all.yaml": minimal("all") });
    const set = new RuleSet(dir, silent, undefined, () => Date.parse("2026-11-21T12:00:00Z"));
    set.load();
    expect(set.reloadState()).toEqual({ status: "ok", at: null });
    writeFileSync(join(dir, "broken.yaml"), "name: broken\nsignals: nope\n");
    set.reload();
    expect(set.reloadState()).toMatchObject({ status: "refused", at: Date.parse("2026-11-21T12:00:00Z"), files: [expect.stringMatching(/broken\.yaml$/)] });
    writeFileSync(join(dir, "broken.yaml"), minimal("fixed", "x"));
    set.reload();
    expect(set.reloadState().status).toBe("ok");
  });
});

describe("rule options of issue 12", () => {
  const parse = (text: string) => {
    const dir = dirWith({ "r.yaml": text });
    return loadRules(dir);
  };

  it("enforces by default, and takes mode: observe on a rule and on a signal", () => {
    const plain = parse(minimal("plain"));
    expect(plain.ok && plain.rules[0]!.mode).toBe("enforce");
    expect(plain.ok && plain.rules[0]!.signals[0]!.mode).toBe("enforce");
    const observed = parse(`mode: observe\n${minimal("trial").replace("    kind: error_rate\n", "    kind: error_rate\n    mode: observe\n")}`);
    expect(observed.ok && [observed.rules[0]!.mode, observed.rules[0]!.signals[0]!.mode]).toEqual(["observe", "observe"]);
  });

  it("alerts on holds by default, since a hold waits for a person", () => {
    const plain = parse(minimal("plain"));
    expect(plain.ok && plain.rules[0]!.actions.notify_on).toEqual(["warn", "fail", "hold"]);
    expect(DEFAULT_RULE.actions.notify_on).toContain("hold");
  });

  it("takes count only for previous_release", () => {
    const pooled = parse(`baseline: { kind: previous_release, count: 3 }\n${minimal("p")}`);
    expect(pooled.ok && pooled.rules[0]!.baseline.count).toBe(3);
    const wrong = parse(`baseline: { kind: week_ago, count: 3 }\n${minimal("w")}`);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(["baseline.count: count is only for kind previous_release"]);
  });
});
