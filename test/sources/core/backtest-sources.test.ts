import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { backtestCommand } from "../../../src/cli/backtest-command.ts";
import { createServiceWithSources, type SourcesService } from "../../support/fake-source.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");
let svc: SourcesService | undefined;
afterEach(() => svc?.close());

const sink = () => {
  const s = { text: "", write: (chunk: string) => ((s.text += chunk), true) };
  return s;
};

describe("deploy-guard backtest with an outside source", () => {
  it("replays a rule that reads a source this environment lacks as missing data, and warns about it", async () => {
    svc = createServiceWithSources({ rules: { default: "name: default\nsignals:\n  - name: errors\n    kind: error_rate\n    fail: { relative: 0.5 }\n" }, sources: {}, now: T + 60 * MIN });
    await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "2", phase: "started", timestamp: T });
    await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "2", phase: "finished", timestamp: T + MIN });
    const file = join(svc.dir, "prom.yaml");
    writeFileSync(file, "name: prom\nsignals:\n  - name: errors\n    source: prometheus\n    kind: error_rate\n    fail: { relative: 0.5 }\n    no_data: fail\n"
      + "    query: { errors: 'sum(increase(e[{{step}}]))', requests: 'sum(increase(r[{{step}}]))' }\n");
    const out = sink(), err = sink();
    const code = await backtestCommand(["--rules", file, "--db", svc.config.dbPath, "--since", "3650d"], out as any, err as any);
    expect(code).toBe(0);
    expect(err.text).toBe("warning: rule 'prom', signal 'errors': Prometheus is not configured (set DEPLOY_GUARD_PROMETHEUS_URL); it will be judged as missing data (no_data: fail)\n");
    expect(out.text).toMatch(/ checkout +2 .* analyzing fail +0 {2}The errors check could not read its data: Prometheus is not configured \(set DEPLOY_GUARD_PROMETHEUS_URL\); the rule says fail when data is missing\./);
    expect(out.text).toContain("1 release(s) replayed");
  });
});
