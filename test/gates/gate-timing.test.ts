import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gateCommand } from "../../src/cli/gate-command.ts";
import { clockTime } from "../../src/cli/gate-progress.ts";
import { ROOT } from "../support/server-process.ts";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";

const MIN = 60_000;
const T0 = Date.parse("2026-11-21T12:00:00Z");

interface Timing { now: string; max_minutes: number; minutes_of_data: number | null; window_ends_at: string | null; decision_expected_by: string | null; next_look_at: string | null }
interface Answer { status: string; release_id: string | null; decide_by: string | null; timing: Timing }

let svc: TestService;
let server: ServerType;
let url: string;
let releaseId: string;

async function gateAnswer(query: string): Promise<Answer> {
  const res = await svc.request("GET", `/api/v1/gates/verdict?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Answer;
}

/** The gate command in this process, against the real app over HTTP; stderr is kept as it is written. */
function runGate(args: string[]) {
  const sink = () => ({ text: "", write(s: string) { this.text += s; return true; } });
  const out = sink(), err = sink();
  const started = Date.now();
  const done = gateCommand(["--url", url, "--token", ADMIN_TOKEN, "--interval", "100ms", ...args], out as never, err as never)
    .then((code) => ({ code, seconds: (Date.now() - started) / 1000 }));
  return { out, err, done };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok()).toBe(true);
};

beforeAll(async () => {
  svc = createTestService({ now: T0 });
  for (const service of ["search", "checkout"]) {
    for (const [phase, at] of [["started", T0 - 2 * MIN], ["finished", T0 - MIN]] as const) {
      const res = await svc.request("POST", "/api/v1/deploys", { service, version: "1.4.2", phase, timestamp: at });
      releaseId = ((await res.json()) as { release_id: string }).release_id;
    }
  }
  await new Promise<void>((resolve) => (server = serve({ fetch: svc.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve())));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await svc.close();
});

describe("GET /api/v1/gates/verdict says where a release stands in time", () => {
  it("gives the longest window and its end on the server's clock, and the decision time once the engine has looked", async () => {
    svc.clock.now = T0;
    const before = await gateAnswer("service=checkout&version=1.4.2");
    expect(before.status).toBe("analyzing");
    // The default rule's window may grow to 240 minutes from the first whole minute after the deploy.
    expect(before.timing).toEqual({
      now: new Date(T0).toISOString(), max_minutes: 240, minutes_of_data: 1, window_ends_at: new Date(T0 - MIN + 240 * MIN).toISOString(),
      decision_expected_by: new Date(T0 - MIN + 240 * MIN).toISOString(), next_look_at: null,
    });
    svc.clock.now = T0 + 12 * MIN;
    await svc.container.verdicts.runDue();
    const looked = await gateAnswer(`release=${releaseId}`);
    expect(looked.timing.minutes_of_data).toBe(13);
    expect(looked.decide_by).not.toBeNull();
    expect(looked.timing.decision_expected_by).toBe(looked.decide_by);
    expect(Date.parse(looked.timing.next_look_at!)).toBeGreaterThan(svc.clock.now);
  });

  it("documents the timing block in the OpenAPI document", async () => {
    const doc = (await (await svc.request("GET", "/openapi.json")).json()) as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    expect(Object.keys(doc.components.schemas.GateTiming!.properties)).toEqual(["now", "max_minutes", "minutes_of_data", "window_ends_at", "decision_expected_by", "next_look_at"]);
    expect(JSON.stringify(doc.components.schemas.GateVerdict)).toContain("\"timing\":{\"$ref\":\"#/components/schemas/GateTiming\"");
  });

  it("answers a release not reported yet with the rule's window and no end, and refuses a bad question with a problem", async () => {
    const unknown = await gateAnswer("service=checkout&version=9.9.9");
    expect(unknown).toMatchObject({ status: "pending", release_id: null, timing: { max_minutes: 240, minutes_of_data: null, window_ends_at: null, decision_expected_by: null } });
    const missing = await svc.request("GET", "/api/v1/gates/verdict?release=no-such-release");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
    expect((await svc.request("GET", `/api/v1/gates/verdict?release=${releaseId}&service=checkout`)).status).toBe(422);
    expect((await svc.request("GET", "/api/v1/gates/verdict")).status).toBe(422);
  });
});

describe("deploy-guard gate without --timeout", () => {
  it("waits until the server's clock passes the end of the longest window plus 10 minutes, then exits 2", async () => {
    const windowEnd = T0 - MIN + 240 * MIN;
    svc.clock.now = windowEnd + 9 * MIN;
    const gate = runGate(["--service", "checkout", "--version", "1.4.2"]);
    await until(() => gate.err.text.includes("waiting until"));
    expect(gate.err.text).toContain(`waiting until ${clockTime(windowEnd + 10 * MIN)} at the most: the longest window (240 minutes) ends at ${clockTime(windowEnd)}, plus a 10-minute margin`);
    // This machine's clock is not the server's: only the server's clock moving on ends the wait.
    await new Promise((r) => setTimeout(r, 500));
    expect(gate.err.text).not.toContain("treating as hold");
    svc.clock.now = windowEnd + 10 * MIN;
    const { code, seconds } = await gate.done;
    expect(code, gate.err.text).toBe(2);
    expect(seconds).toBeLessThan(10);
    expect(gate.err.text).toMatch(/deploy-guard gate: no final verdict by \S+ \S+ \(the longest window .*\); treating as hold\.\n$/);
  });

  it("prints what it waits for and when a decision is expected, again when that changes, and exits with the verdict", async () => {
    svc.clock.now = T0 + 12 * MIN;
    const looked = await gateAnswer(`release=${releaseId}`);
    const expected = looked.timing.decision_expected_by!;
    const gate = runGate(["--release", releaseId]);
    const first = `analyzing checkout 1.4.2 (production): 13 of up to 240 minutes of data; a decision is expected by ${clockTime(expected)} (in about `;
    await until(() => gate.err.text.includes(first));
    expect(gate.err.text).toContain(`; next look ${clockTime(looked.timing.next_look_at!)}`);
    // The default wait is the window's end on the server's clock, hours away: the gate keeps waiting.
    expect(gate.err.text).toContain(`waiting until ${clockTime(T0 - MIN + 250 * MIN)} at the most`);
    svc.clock.now += 5 * MIN;
    await until(() => gate.err.text.includes("analyzing checkout 1.4.2 (production): 18 of up to 240 minutes of data"));
    const decided = await svc.request("POST", `/api/v1/releases/${releaseId}/decision`, { action: "approve", reason: "checked by hand" });
    expect(decided.status).toBe(201);
    const { code } = await gate.done;
    expect(code, gate.err.text).toBe(0);
    expect(gate.out.text).toMatch(/^PASS: /);
    expect(gate.err.text.split("\n").filter((l) => l.includes("13 of up to 240"))).toHaveLength(1);
  });
});

describe("examples/gate.sh without --timeout", () => {
  for (const tool of ["jq", "python3"]) {
    it(`takes its deadline from the server's window too (${tool})`, async () => {
      const windowEnd = T0 - MIN + 240 * MIN;
      svc.clock.now = windowEnd + 9 * MIN;
      // Another release than the one approved above, deployed at the same time.
      const child = spawn("sh", ["examples/gate.sh", "--url", url, "--service", "search", "--version", "1.4.2", "--interval", "100ms"], {
        cwd: ROOT, env: { PATH: process.env.PATH ?? "", DEPLOY_GUARD_TOKEN: ADMIN_TOKEN, ...(tool === "python3" ? { GATE_JSON_TOOL: "python3" } : {}) },
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = new Promise<number | null>((resolve) => child.once("exit", resolve));
      await until(() => stderr.includes("analyzing search 1.4.2 (production): 240 of up to 240 minutes of data"));
      await new Promise((r) => setTimeout(r, 400));
      expect(stderr).not.toContain("treating as hold");
      svc.clock.now = windowEnd + 10 * MIN;
      expect(await code, stderr).toBe(2);
      const utc = (t: number) => `${new Date(t).toISOString().slice(11, 16)} UTC`;
      const why = `the longest window (240 minutes) ends at ${utc(windowEnd)}, plus a 10-minute margin`;
      expect(stderr).toContain(`] waiting until ${utc(windowEnd + 10 * MIN)} at the most: ${why}\n`);
      expect(stderr).toContain("a decision is due now (it was expected by");
      expect(stderr).toContain(`gate.sh: no final verdict by ${utc(windowEnd + 10 * MIN)} (${why}); treating as hold.`);
    });
  }
});
