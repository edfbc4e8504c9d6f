import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DashboardDefinitions } from "../../src/dashboard/definitions/dashboard-definitions.ts";
import { DEFAULT_DASHBOARD } from "../../src/dashboard/definitions/default-dashboard.ts";
import { loadDefinitions } from "../../src/dashboard/definitions/definition-loader.ts";
import { BIN, ROOT } from "../support/server-process.ts";

const REPO_DASHBOARDS = new URL("../../dashboards", import.meta.url).pathname;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dg-dashboards-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const minimal = (name: string, service = "*", panels = "  - { kind: error_rate, title: Errors }\n") =>
  `name: ${name}\ntitle: ${name}\nmatch: { service: "${service}" }\npanels:\n${panels}`;

function problemsOf(dir: string): string[] {
  const result = loadDefinitions(dir);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map((p) => `${p.file.split("/").pop()}: ${p.path}: ${p.message}`);
}

describe("dashboard definitions", () => {
  it("ships a default and a team example that validate, the default with the panels the pages fall back to", () => {
    const result = loadDefinitions(REPO_DASHBOARDS);
    expect(result.ok ? [] : result.problems).toEqual([]);
    const defs = result.ok ? result.definitions : [];
    expect(defs.map((d) => d.name).sort()).toEqual(["default", "payments-team"]);
    const shipped = defs.find((d) => d.name === "default")!;
    const outline = (d: typeof shipped) => d.panels.map((p) => [p.id, p.kind, p.title, p.width]);
    expect(outline(shipped)).toEqual(outline(DEFAULT_DASHBOARD));
    expect(outline(shipped).map(([, kind]) => kind)).toEqual(["verdict_board", "error_rate", "latency", "deploy_markers", "capacity"]);
  });

  it("names the file and the line of a YAML syntax error", () => {
    const problems = problemsOf(dirWith({ "broken.yaml": "name: x\ntitle: [unclosed\npanels: []\n" }));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^broken\.yaml: line \d+: /);
  });

  it("names the file and the field of every invalid value", () => {
    const dir = dirWith({
      "a.yaml": minimal("a", "*", "  - { kind: error_rate, title: Errors }\n  - { kind: gauge, title: Gauge }\n"),
      "b.yml": minimal("b", "*", "  - { kind: metric, title: Orders }\n"),
      "c.yaml": minimal("c", "*", "  - kind: error_rate\n    title: Errors\n    datadog:\n      queries: { errors: 'sum:e{service:{{service}}}', requests: 'sum:r{team:{{team}}}' }\n      formula: errors / hits\n"),
      "d.json": JSON.stringify({ name: "d", title: "d", panels: [{ kind: "latency", title: "p95", colour: "red" }] }),
    });
    expect(problemsOf(dir)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^a\.yaml: panels\[1\]\.kind: /),
      "b.yml: panels[0].metric: required when kind is metric",
      "c.yaml: panels[0].datadog.queries.requests: unknown placeholder {{team}}; use {{service}} or {{environment}}",
      "c.yaml: panels[0].datadog.formula: 'hits' is not one of the queries (errors, requests)",
      expect.stringMatching(/^d\.json: panels\[0\]: .*colour/),
    ]));
  });

  it("rejects a name defined twice and two panels with one id", () => {
    const twice = problemsOf(dirWith({ "a.yaml": minimal("same"), "b.yaml": minimal("same", "cart") }));
    expect(twice).toEqual([expect.stringMatching(/^b\.yaml: name: dashboard 'same' is also defined in .*a\.yaml$/)]);
    const panels = problemsOf(dirWith({ "a.yaml": minimal("a", "*", "  - { kind: error_rate, title: One }\n  - { kind: error_rate, title: Two }\n") }));
    expect(panels).toEqual(["a.yaml: panels[1].id: duplicate panel id 'error_rate'; give each panel its own id"]);
  });

  it("gives each service the most specific definition, and the built-in one when none matches", () => {
    const defs = new DashboardDefinitions(dirWith({ "all.yaml": minimal("all"), "pay.yaml": minimal("pay", "payments-*"), "one.yaml": minimal("one", "payments-api") }));
    defs.load();
    expect(defs.dashboardFor("payments-api").name).toBe("one");
    expect(defs.dashboardFor("payments-web").name).toBe("pay");
    expect(defs.dashboardFor("search").name).toBe("all");
    const none = new DashboardDefinitions(join(tmpdir(), "dg-no-such-folder"));
    none.load();
    expect(none.dashboardFor("search")).toBe(DEFAULT_DASHBOARD);
    expect(() => new DashboardDefinitions(dirWith({ "bad.yaml": "name: bad\n" })).load()).toThrow(/bad\.yaml: title: /);
  });

  it("makes the export command exit 1 naming the file and field of a bad definition, and 3 on a bad format", () => {
    const dir = dirWith({ "default.yaml": minimal("default", "*", "  - { kind: latency, title: p95, percentile: 120 }\n") });
    const bad = spawnSync(process.execPath, [BIN, "dashboards", "export", "--format", "datadog", "--dashboards", dir], { cwd: ROOT, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/default\.yaml: panels\[0\]\.percentile: /);
    const usage = spawnSync(process.execPath, [BIN, "dashboards", "export", "--format", "grafana"], { cwd: ROOT, encoding: "utf8" });
    expect(usage.status).toBe(3);
    expect(usage.stderr).toContain("--format must be datadog or kibana");
  });
});
