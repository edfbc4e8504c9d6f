import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/server-process.ts";
import { createTestService, REPO_RULES, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");
let svc: TestService;
afterEach(() => svc?.close());

describe("deploy-guard backtest", () => {
  it("replays a stricter rule over stored releases and prints how it would have voted", async () => {
    svc = createTestService({ now: T + 3 * 60 * MIN });
    // Busy services, so 30 minutes can tell a 40 % rise from chance.
    const scenarios: [string, number, number][] = [["steady", 0.005, 300], ["creeping", 0.007, 1500], ["broken", 0.05, 300]];
    for (const [service, after, perMinute] of scenarios) {
      const before = generateTraffic({ service, start: T - 60 * MIN, minutes: 60, perMinute, errorRate: 0.005, latencyMs: 100, seed: 1 });
      const later = generateTraffic({ service, start: T, minutes: 35, perMinute, errorRate: after, latencyMs: 100, seed: 2 });
      for (const events of [before, later]) {
        for (let i = 0; i < events.length; i += 20_000) await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 20_000) });
      }
      await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: T });
      await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: T + MIN });
    }
    svc.container.verdicts.runDue();
    // The shipped rule only warns on a rise from 0.5 % to 0.7 % (below its +50 % fail floor); a stricter one fails it.
    const strict = readFileSync(join(REPO_RULES, "default.yaml"), "utf8").replace("name: default", "name: strict").replace("fail: { relative: 0.5, absolute: 0.001 }", "fail: { relative: 0.25, absolute: 0.001 }")
      .replace("detect: { relative: 1.0, absolute: 0.001 }", "detect: { relative: 0.25, absolute: 0.001 }");
    const file = join(svc.dir, "strict.yaml");
    writeFileSync(file, strict);
    const result = await runCli(["backtest", "--rules", file, "--db", svc.config.dbPath, "--since", "3650d"]);
    expect(result.code, result.stderr).toBe(0);
    const line = (service: string) => result.stdout.split("\n").find((l) => l.includes(` ${service} `)) ?? "";
    // Nor can 30 minutes at this traffic rule out a 25 % rise: the stricter rule holds and says what would help.
    expect(line("steady")).toMatch(/ pass +hold .*too little traffic to tell a 25 % rise in errors from chance/);
    expect(line("creeping")).toMatch(/ warn +fail /);
    expect(line("broken")).toMatch(/ fail +fail /);
    expect(result.stdout).toContain("3 release(s) replayed; 2 would change (pass→hold 1, warn→fail 1).");
  });

  it("refuses a bad rule file with its field", async () => {
    svc = createTestService();
    const file = join(svc.dir, "bad.yaml");
    writeFileSync(file, "name: bad\nsignals: []\n");
    const result = await runCli(["backtest", "--rules", file, "--db", svc.config.dbPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bad.yaml: signals: a rule needs at least one signal");
  });
});
