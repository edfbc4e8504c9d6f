import { afterEach, describe, expect, it } from "vitest";
import { rulesWith } from "../support/rule-files.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { mulberry32 } from "../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");
let svc: TestService;
afterEach(() => svc?.close());

/** /search errs at 0.5 % and answers in ~40 ms; /export errs at 6 % and takes ~900 ms — before and after the deploy. */
function traffic(service: string, start: number, minutes: number, exportShare: number, seed: number) {
  const rnd = mulberry32(seed);
  const events = [];
  for (let m = 0; m < minutes; m++) {
    for (let i = 0; i < 400; i++) {
      const heavy = rnd() < exportShare;
      events.push({
        timestamp: start + m * MIN + i * 100, service, route: heavy ? "/export" : "/search",
        status: rnd() < (heavy ? 0.06 : 0.005) ? 500 : 200, latency_ms: (heavy ? 900 : 40) * (0.8 + 0.4 * rnd()),
      });
    }
  }
  return events;
}

describe("route-mix normalisation, end to end", () => {
  it("does not blame a release for more traffic on a slow, error-prone route when the rule compares routes", async () => {
    const byRoute = (yaml: string) => yaml.replaceAll("    direction: increase\n", "    direction: increase\n    by_route: true\n");
    svc = createTestService({ rulesDir: rulesWith({ mix: { service: "mix-*", edit: byRoute } }), now: T + 40 * MIN });
    for (const service of ["mix-shop", "plain-shop"]) {
      const events = [...traffic(service, T - 60 * MIN, 60, 0.05, 1), ...traffic(service, T, 35, 0.3, 2)];
      for (let i = 0; i < events.length; i += 10_000) expect((await svc.request("POST", "/api/v1/logs", { events: events.slice(i, i + 10_000) })).status).toBe(202);
      await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "started", timestamp: T });
      await svc.request("POST", "/api/v1/deploys", { service, version: "2", phase: "finished", timestamp: T + MIN });
    }
    await svc.container.verdicts.runDue();
    const verdicts = (await (await svc.request("GET", "/api/v1/releases")).json()) as { releases: { id: string; service: string }[] };
    const get = async (service: string) => (await (await svc.request("GET", `/api/v1/releases/${verdicts.releases.find((r) => r.service === service)!.id}/verdict`)).json()) as Record<string, any>;
    const plain = await get("plain-shop");
    expect(plain.status).toBe("fail");
    const mix = await get("mix-shop");
    expect(mix.status).toBe("pass");
    expect(mix.checks[0].stats.method).toMatch(/^Mantel–Haenszel rate ratio over 2 routes/);
  });
});
