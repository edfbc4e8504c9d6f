/**
 * Issue 11, low traffic: `pool_environments` sums the error counts of one version across the environments (regions)
 * it was deployed to, each minute counted from that environment's own deploy, so a quiet service decides sooner.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T09:00:00Z");
const REGIONS = ["eu", "us", "ap"];

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

const pooledRule = (yaml: string) => yaml.replace("baseline:", `pool_environments: [${REGIONS.join(", ")}]\nbaseline:`);

/** Two hours of 10 requests a minute at 2 % errors before `deployAt`, then `after` × that rate for 90 minutes. */
async function serve(s: TestService, service: string, environment: string, deployAt: number, after: number, seed: number): Promise<void> {
  const events = [
    ...generateTraffic({ service, environment, start: deployAt - 120 * MIN, minutes: 120, perMinute: 10, errorRate: 0.02, latencyMs: 80, seed }),
    ...generateTraffic({ service, environment, start: deployAt + MIN, minutes: 90, perMinute: 10, errorRate: 0.02 * after, latencyMs: 80, seed: seed + 1 }),
  ];
  expect((await s.request("POST", "/api/v1/logs", { events })).status).toBe(202);
}

async function deploy(s: TestService, service: string, environment: string, at: number): Promise<string> {
  const body = { service, environment, version: "2.0.0" };
  expect((await s.request("POST", "/api/v1/deploys", { ...body, phase: "started", timestamp: at })).status).toBe(202);
  const done = await s.request("POST", "/api/v1/deploys", { ...body, phase: "finished", timestamp: at + MIN });
  return ((await done.json()) as { release_id: string }).release_id;
}

interface Check {
  signal: string;
  status: string;
  reason: string;
  sequential: { design_reason: string; pooled_with?: string[] } | null;
}

/** The release's error-rate check, evaluated with data up to `minutes` after the deploy. */
async function errorsAt(s: TestService, id: string, minutes: number): Promise<Check & { verdict: string }> {
  s.clock.now = T + (minutes + 1) * MIN;
  const res = await s.request("POST", `/api/v1/releases/${id}/evaluate`);
  expect(res.status, await res.clone().text()).toBe(200);
  const v = (await res.json()) as { status: string; checks: Check[] };
  return { ...v.checks.find((c) => c.signal === "error_rate")!, verdict: v.status };
}

describe("pool_environments", () => {
  it("fails a quiet service's ×4 errors at the first look once three regions are pooled; one region alone is still waiting", async () => {
    svc = createTestService({ rulesDir: rulesWith({ quiet: { service: "quiet", edit: pooledRule }, lonely: { service: "lonely", edit: (y) => y } }), now: T });
    const ids: string[] = [];
    for (const [i, env] of REGIONS.entries()) {
      // Deployed a few minutes apart, as a pipeline rolls a version through regions.
      await serve(svc, "quiet", env, T + i * 3 * MIN, 4, 10 + 2 * i);
      ids.push(await deploy(svc, "quiet", env, T + i * 3 * MIN));
    }
    await serve(svc, "lonely", "eu", T, 4, 10);
    const lonely = await deploy(svc, "lonely", "eu", T);

    const pooled = await errorsAt(svc, ids[0]!, 16);
    expect(pooled.status, pooled.reason).toBe("fail");
    expect(pooled.sequential?.pooled_with).toEqual(["ap", "us"]);
    expect(pooled.reason).toMatch(/here and in ap, us together/);
    expect(pooled.sequential?.design_reason).toMatch(/pooled with the same version in ap, us, each minute counted from its own deploy/);
    // The same traffic in one region: 160 requests in 16 minutes, under the signal's 200, so no decision yet.
    const alone = await errorsAt(svc, lonely, 16);
    expect(alone.verdict).toBe("analyzing");
    expect(alone.sequential?.pooled_with).toBeUndefined();
  }, 120_000);

  it("does not pool a region that deployed hours apart, nor one whose release failed", async () => {
    svc = createTestService({ rulesDir: rulesWith({ quiet: { service: "quiet", edit: pooledRule } }), now: T });
    await serve(svc, "quiet", "eu", T, 1, 20);
    const eu = await deploy(svc, "quiet", "eu", T);
    await serve(svc, "quiet", "us", T - 3 * 60 * MIN, 1, 22);
    await deploy(svc, "quiet", "us", T - 3 * 60 * MIN);
    await serve(svc, "quiet", "ap", T, 6, 24);
    const ap = await deploy(svc, "quiet", "ap", T);
    expect((await errorsAt(svc, ap, 60)).verdict).toBe("fail");

    const check = await errorsAt(svc, eu, 60);
    expect(check.sequential?.pooled_with).toBeUndefined();
    expect(check.reason).not.toMatch(/together/);
  }, 120_000);
});
