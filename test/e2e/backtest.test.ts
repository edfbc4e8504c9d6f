import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/server-process.ts";
import { createTestService, REPO_RULES, TEST_STORE, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-20T12:00:00Z");
const DEFAULT_YAML = readFileSync(join(REPO_RULES, "default.yaml"), "utf8");
let svc: TestService;
afterEach(() => svc?.close());

async function push(service: string, start: number, minutes: number, perMinute: number, errorRate: number, seed: number) {
  const events = generateTraffic({ service, start, minutes, perMinute, errorRate, latencyMs: 100, seed });
  for (let i = 0; i < events.length; i += 20_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 20_000) })).status).toBe(202);
}

async function deploy(service: string, at: number) {
  await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: at });
  await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: at + MIN });
}

/** The default rule renamed and edited; throws when rules/default.yaml no longer has the text replaced. */
function ruleFile(name: string, edits: [string, string][]): string {
  let yaml = DEFAULT_YAML.replace("name: default", `name: ${name}`);
  for (const [from, to] of edits) {
    if (!yaml.includes(from)) throw new Error(`rules/default.yaml has no '${from}'`);
    yaml = yaml.replace(from, to);
  }
  const file = join(svc.dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

async function backtest(file: string) {
  const result = await runCli(["backtest", "--rules", file, "--db", svc.config.dbPath, "--since", "3650d"]);
  expect(result.code, result.stderr).toBe(0);
  const line = (service: string) => result.stdout.split("\n").find((l) => l.includes(` ${service} `)) ?? "";
  return { stdout: result.stdout, line };
}

describe("deploy-guard backtest", () => {
  // The backtest command opens only a SQLite file (src/cli/backtest-command.ts): these replay what a SQLite service stored.
  it.skipIf(TEST_STORE === "postgres")("replays a sequential rule as the service judged it, and prints how a stricter one would have voted", async () => {
    // Five hours on: the service has made every look up to the longest window (4 h) over the 35 minutes stored.
    svc = createTestService({ now: T + 5 * 60 * MIN });
    const scenarios: [string, number, number][] = [["steady", 0.005, 300], ["creeping", 0.007, 1500], ["broken", 0.05, 300]];
    for (const [service, after, perMinute] of scenarios) {
      await push(service, T - 60 * MIN, 60, perMinute, 0.005, 1);
      await push(service, T, 35, perMinute, after, 2);
      await deploy(service, T);
    }
    await svc.container.verdicts.runDue();
    // The deploys were reported five hours late: the creeping release's missing minutes may still be on their way, so it
    // waits (issue 12) until its longest window of wall-clock time has passed since the deploy was received.
    const status = async (service: string) => (await svc.sql<{ status: string }>("SELECT status FROM releases WHERE service = ?").get(service))!.status;
    expect(await status("creeping")).toBe("analyzing");
    svc.clock.now += 4 * 60 * MIN + 5 * MIN;
    await svc.container.verdicts.runDue();
    expect(await status("creeping")).toBe("hold");

    // The shipped rule, replayed, reaches every verdict the service reached.
    const same = await backtest(join(REPO_RULES, "default.yaml"));
    expect(same.line("steady")).toMatch(/ pass +pass +100 /);
    expect(same.line("creeping")).toMatch(/ hold +hold .*still hides a doubling/);
    expect(same.line("broken")).toMatch(/ fail +fail +0 .*failed in the 10 minutes after the release/);
    expect(same.stdout).toContain("3 release(s) replayed; 0 would change.");

    // A stricter rule must rule out a 25 % rise before passing: an hour of history cannot, so the steady release holds.
    const strict = ruleFile("strict", [["fail: { relative: 0.5, absolute: 0.001 }", "fail: { relative: 0.25, absolute: 0.001 }"],
      ["detect: { relative: 1.0, absolute: 0.001 }", "detect: { relative: 0.25, absolute: 0.001 }"]]);
    const stricter = await backtest(strict);
    expect(stricter.line("steady")).toMatch(/ pass +hold .*Undecided at the longest window this rule allows: .* still hides a rise of 25 %/);
    expect(stricter.line("broken")).toMatch(/ fail +fail /);
    expect(stricter.stdout).toContain("3 release(s) replayed; 1 would change (pass→hold 1).");

    // An operator says the broken release's fail was wrong: the backtest shows the mark, and whether a rule fixes it.
    const broken = (await svc.sql<{ id: string }>("SELECT id FROM releases WHERE service = 'broken'").get())!.id;
    const marked = await svc.request("POST", `/api/v1/releases/${broken}/decision`, { action: "mark_wrong", feedback: "false_fail", reason: "the errors were a load test" });
    expect(marked.status).toBe(201);
    const again = await backtest(join(REPO_RULES, "default.yaml"));
    expect(again.line("broken")).toMatch(/ fail +fail .*\[marked false fail by [^\]]+\] /);
    expect(again.stdout).toContain("Marked wrong by operators: 1 false fail(s), 0 no longer failed by this rule; 0 missed regression(s), 0 failed by it.");
  });

  // The backtest command opens only a SQLite file (src/cli/backtest-command.ts): these replay what a SQLite service stored.
  it.skipIf(TEST_STORE === "postgres")("prints analyzing for a release whose sequential window is still open, and judges a fixed rule once", async () => {
    // The command judges at the real time, so these releases are placed just before it.
    const now = Math.floor(Date.now() / MIN) * MIN;
    svc = createTestService({ now });
    await push("quiet", now - 90 * MIN, 60, 30, 0.005, 3);
    await push("quiet", now - 29 * MIN, 29, 30, 0.005, 4);
    await deploy("quiet", now - 30 * MIN);
    await push("fresh", now - 70 * MIN, 60, 300, 0.005, 5);
    await deploy("fresh", now - 7 * MIN);
    const out = await backtest(join(REPO_RULES, "default.yaml"));
    // 29 minutes at 30 requests a minute cannot rule out a doubling of 0.5 %: the window keeps growing.
    expect(out.line("quiet")).toMatch(/ analyzing +analyzing +– .*Not decided yet: .*a decision by \d\d:\d\d UTC at the latest/);
    expect(out.line("fresh")).toMatch(/ analyzing +analyzing +– +No decision before 10 minutes of data; the first look is at /);
    // A fixed rule judges its 30-minute window, or the minutes so far, once and for good: no analyzing.
    const fixed = await backtest(ruleFile("fixed", [["mode: sequential", "mode: fixed"]]));
    expect(fixed.line("quiet")).toMatch(/ analyzing +hold .*too little traffic to tell a 100 % rise in errors from chance/);
    expect(fixed.line("fresh")).toMatch(/ analyzing +hold .*too few requests after the release: 0, at least 200 needed/);
    expect(fixed.stdout).toContain("2 release(s) replayed; 2 would change (analyzing→hold 2).");
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
