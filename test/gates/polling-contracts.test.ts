import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";
import { releasesInEveryStatus, STATUSES, type GateStatus } from "./release-states.ts";

const doc = (name: string) => readFileSync(new URL(`../../docs/integrations/${name}`, import.meta.url), "utf8");
const block = (text: string, lang: string) => text.match(new RegExp("```" + lang + "\\n([\\s\\S]*?)```"))![1]!;

// The configurations exactly as the docs give them, so a change to either side fails here.
const STAGE = JSON.parse(block(doc("spinnaker-gate.md"), "json")) as Record<string, string>;
const TEMPLATE = parse(block(doc("argo-rollouts.md"), "yaml")) as {
  spec: { metrics: { provider: { web: { url: string; jsonPath: string; headers: { key: string; value: string }[] } }; successCondition: string; failureCondition: string; inconclusiveLimit: number }[] };
};
const METRIC = TEMPLATE.spec.metrics[0]!;

/** The single-field paths both tools are given ($.status, {$.status}), read directly: no JSONPath library. */
function singleField(path: string, body: unknown): unknown {
  const field = path.match(/^\{?\$\.(\w+)\}?$/)?.[1];
  if (!field) throw new Error(`not a single-field path: ${path}`);
  return (body as Record<string, unknown>)[field];
}

/** Argo's expr conditions as written in the template: `result == "x"` terms joined by `||`. */
function condition(expr: string, result: unknown): boolean {
  return expr.split("||").some((term) => {
    const m = term.trim().match(/^result == "(\w+)"$/);
    if (!m) throw new Error(`unexpected condition term: ${term}`);
    return result === m[1];
  });
}

let svc: TestService;
let server: ServerType;
let base: string;
let ids: Record<GateStatus, string>;

beforeAll(async () => {
  svc = createTestService();
  ids = await releasesInEveryStatus(svc, "checkout");
  await new Promise<void>((resolve) => (server = serve({ fetch: svc.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve())));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  svc.close();
});

/** The documented URL with the example host swapped for the test server and the version filled in. */
const urlFor = (template: string, version: string) =>
  template.replace("https://deploy-guard.example.com", base).replace("${parameterValues['version']}", version)
    .replace("{{args.service}}", "checkout").replace("{{args.environment}}", "production").replace("{{args.version}}", version);

describe("Spinnaker webhook stage, as Orca's MonitorWebhookTask polls it", () => {
  const list = (s: string) => s.split(",").map((x) => x.trim().toUpperCase()).filter((x) => x !== "");

  async function poll(version: string): Promise<{ outcome: string; progress: unknown }> {
    const headers = Object.fromEntries(Object.entries(STAGE.customHeaders as unknown as Record<string, string>)
      .map(([k, v]) => [k, v.replace("<read-scoped token>", ADMIN_TOKEN)]));
    const res = await fetch(urlFor(STAGE.url!, version), { method: STAGE.method, headers });
    expect(res.status).toBe(200);
    const body = await res.json();
    const status = String(singleField(STAGE.statusJsonPath!, body)).toUpperCase();
    const outcome = list(STAGE.successStatuses!).includes(status) ? "SUCCEEDED"
      : list(STAGE.canceledStatuses!).includes(status) ? "CANCELED"
      : list(STAGE.terminalStatuses!).includes(status) ? "TERMINAL" : "RUNNING";
    return { outcome, progress: singleField(STAGE.progressJsonPath!, body) };
  }

  it("uses getMethod polling on $.status", () => {
    expect(STAGE).toMatchObject({ statusUrlResolution: "getMethod", statusJsonPath: "$.status", successStatuses: "pass,warn", terminalStatuses: "fail", waitForCompletion: true });
  });

  const EXPECTED: Record<GateStatus, string> = { pass: "SUCCEEDED", warn: "SUCCEEDED", fail: "TERMINAL", hold: "RUNNING", analyzing: "RUNNING", pending: "RUNNING" };
  for (const status of STATUSES) {
    it(`${status} → ${EXPECTED[status]}`, async () => {
      const { outcome, progress } = await poll(status);
      expect(outcome).toBe(EXPECTED[status]);
      expect(typeof progress).toBe("string");
    });
  }

  it("keeps polling, not failing, while the deploy has not been reported yet", async () => {
    expect((await poll("not-reported-yet")).outcome).toBe("RUNNING");
  });
});

describe("Argo Rollouts web metric, as the AnalysisRun measures it", () => {
  async function measure(version: string): Promise<string> {
    const web = METRIC.provider.web;
    const headers = Object.fromEntries(web.headers.map((h) => [h.key, h.value.replace("{{args.deploy-guard-token}}", ADMIN_TOKEN)]));
    const res = await fetch(urlFor(web.url, version), { method: "GET", headers });
    if (!res.ok) return "Error";
    const result = singleField(web.jsonPath, await res.json());
    // Failure first, then success; neither (with both set) is Inconclusive.
    if (condition(METRIC.failureCondition, result)) return "Failed";
    if (condition(METRIC.successCondition, result)) return "Successful";
    return "Inconclusive";
  }

  it("pauses on the first Inconclusive measurement", () => {
    expect(METRIC).toMatchObject({ successCondition: 'result == "pass" || result == "warn"', failureCondition: 'result == "fail"', inconclusiveLimit: 0 });
    expect(METRIC.provider.web.jsonPath).toBe("{$.status}");
  });

  const EXPECTED: Record<GateStatus, string> = { pass: "Successful", warn: "Successful", fail: "Failed", hold: "Inconclusive", analyzing: "Inconclusive", pending: "Inconclusive" };
  for (const status of STATUSES) {
    it(`${status} → ${EXPECTED[status]}`, async () => {
      expect(await measure(status)).toBe(EXPECTED[status]);
    });
  }

  it("is an Error, counted by consecutiveErrorLimit, when the token is wrong", async () => {
    const res = await fetch(urlFor(METRIC.provider.web.url, "pass"), { headers: { Authorization: "Bearer wrong-token-0000000000" } });
    expect(res.status).toBe(401);
  });

  it("the release looked up is the one the verdict API shows", async () => {
    const res = await fetch(urlFor(METRIC.provider.web.url, "fail"), { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(((await res.json()) as { release_id: string }).release_id).toBe(ids.fail);
  });
});
