import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { runCli } from "../support/server-process.ts";
import { createTestService, TEST_STORE, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
// Recent, so the default --since 30d of `rules check --db` covers it.
const T = Math.floor(Date.now() / MIN) * MIN - 2 * 24 * 60 * MIN;
const observe = (yaml: string) => {
  const edited = yaml.replace(/^description: /m, "mode: observe\ndescription: ");
  if (edited === yaml) throw new Error("rules/default.yaml changed: no description line");
  return edited;
};

let svc: TestService;
afterEach(() => svc?.close());

async function release(service: string, errorRate: number) {
  const push = async (start: number, minutes: number, rate: number, seed: number) => {
    const events = generateTraffic({ service, start, minutes, perMinute: 400, errorRate: rate, latencyMs: 100, seed });
    for (let i = 0; i < events.length; i += 20_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 20_000) })).status).toBe(202);
  };
  await push(T - 60 * MIN, 60, 0.005, 1);
  await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: T });
  await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: T + MIN });
  await push(T + MIN, 35, errorRate, 2);
}

describe("the CLI and observe-mode rules (issue 12, item 5)", () => {
  // rules check --db and backtest open only a SQLite file (src/cli/rules-check-command.ts, backtest-command.ts).
  it.skipIf(TEST_STORE === "postgres")("rules check --db prints each observe rule's record, and backtest marks the engine's answer as observe", async () => {
    const rules = rulesWith({ trial: { service: "trial", edit: observe }, later: { service: "later", edit: observe } });
    svc = createTestService({ rulesDir: rules, now: T + 40 * MIN });
    await release("trial", 0.05);
    await svc.container.verdicts.runDue();

    const check = await runCli(["rules", "check", "--rules", rules, "--db", svc.config.dbPath]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^ok {2}trial {2}\(service trial, environment \*; .*; observe only\)$/m);
    expect(check.stdout).toContain("observe  trial: 1 release(s) judged; would have failed 1, held 0, warned 0, passed 0\n");
    expect(check.stdout).toMatch(/^observe {2}later: no release judged since \d{4}-\d\d-\d\d$/m);
    expect(check.stdout).not.toMatch(/^observe {2}default/m);

    const missing = await runCli(["rules", "check", "--rules", rules, "--db", join(svc.dir, "nope.db")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such database file");

    const file = join(svc.dir, "trial.yaml");
    writeFileSync(file, readFileSync(join(rules, "trial.yaml"), "utf8"));
    const replay = await runCli(["backtest", "--rules", file, "--db", svc.config.dbPath, "--since", "3650d"]);
    expect(replay.code, replay.stderr).toBe(0);
    const line = replay.stdout.split("\n").find((l) => l.includes(" trial ")) ?? "";
    // Stored as pass (observe never blocks); the engine's own answer is fail, marked as observed.
    expect(line).toMatch(/ pass +fail \(observe\) +0 /);
  }, 60_000);
});
