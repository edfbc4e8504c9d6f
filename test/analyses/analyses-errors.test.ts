/** Bad input to POST /api/v1/analyses: a 4xx problem+json naming the field, never a 500; who may start and read one. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic } from "../support/traffic.ts";

const T = (hhmm: string) => Date.parse(`2026-11-21T${hhmm}:00Z`);
const iso = (hhmm: string) => new Date(T(hhmm)).toISOString();
const ok = { service: "checkout", control: { start: iso("09:00"), end: iso("09:30") }, experiment: { start: iso("10:00"), end: iso("10:30") } };

let svc: TestService;

beforeAll(async () => {
  svc = createTestService({ now: T("12:00") });
  const res = await svc.request("POST", "/api/v1/logs", { events: generateTraffic({ service: "checkout", start: T("09:00"), minutes: 90, perMinute: 20, errorRate: 0.01, latencyMs: 80, seed: 1 }) });
  expect(res.status).toBe(202);
});

afterAll(async () => {
  await svc.close();
});

async function problem(body: unknown, status = 422, headers: Record<string, string> = {}) {
  const res = await svc.request("POST", "/api/v1/analyses", body, headers);
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { detail: string; errors?: { path: string; message: string }[] };
}

describe("bad input is a 4xx that says where", () => {
  it.each([
    ["an experiment ending before it starts", { ...ok, experiment: { start: iso("10:30"), end: iso("10:00") } }, "experiment.end", "must be after experiment.start"],
    ["a control window over 24 hours", { ...ok, control: { start: "2026-11-19T09:00:00Z", end: iso("09:30") } }, "control.end", "at most 24 h"],
    ["a window ending more than a day from now", { ...ok, experiment: { start: iso("10:00"), end: "2026-11-23T10:00:00Z" } }, "experiment.end", "more than a day in the future"],
    ["a timestamp without a zone", { ...ok, control: { start: "2026-11-21T09:00:00", end: iso("09:30") } }, "control.start", "ISO 8601"],
    ["an unknown rule", { ...ok, rule: "no-such-rule" }, "rule", "no rule named 'no-such-rule'"],
    ["a service with no telemetry", { ...ok, service: "chekout" }, "service", "no telemetry of 'chekout'"],
    ["overlapping windows not split by hosts or version", { ...ok, control: ok.experiment }, "control", "must be told apart by hosts or version"],
    ["both sides naming the same version", { ...ok, control: { ...ok.experiment, version: "2" }, experiment: { ...ok.experiment, version: "2" } }, "control", "both sides name version '2'"],
    ["a side naming hosts and a version", { ...ok, experiment: { ...ok.experiment, hosts: ["web-1"], version: "2" } }, "experiment.version", "not both"],
    ["an unknown field", { ...ok, baseline: {} }, "", "baseline"],
    ["a missing experiment", { service: "checkout", control: ok.control }, "experiment", ""],
    ["a client id with a slash", { ...ok, id: "a/b" }, "id", "letters, digits"],
  ])("%s", async (_, body, path, message) => {
    const p = await problem(body);
    const error = p.errors!.find((e) => e.path === path) ?? p.errors!.find((e) => e.message.includes("baseline"));
    expect(error, JSON.stringify(p.errors)).toBeDefined();
    expect(`${error!.path} ${error!.message}`).toContain(message);
  });

  it("a body that is not JSON", async () => {
    const res = await svc.request("POST", "/api/v1/analyses", "{not json");
    expect(res.status).toBe(400);
  });

  it("an unknown analysis is a 404", async () => {
    const res = await svc.request("GET", "/api/v1/analyses/ana_nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("who may start and read an analysis", () => {
  async function token(scope: string, services?: string[]): Promise<string> {
    const res = await svc.request("POST", "/api/v1/tokens", { name: `t-${scope}-${services?.join() ?? "all"}`, scope, ...(services ? { services } : {}) });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { token: string }).token;
  }

  it("starting needs the operator scope; a read token may only poll", async () => {
    const read = await token("read");
    await problem(ok, 403, { authorization: `Bearer ${read}` });
    await problem(ok, 401, { authorization: "Bearer wrong" });
    const operator = await token("operator");
    const res = await svc.request("POST", "/api/v1/analyses", ok, { authorization: `Bearer ${operator}` });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await svc.request("GET", `/api/v1/analyses/${id}`, undefined, { authorization: `Bearer ${read}` })).status).toBe(200);
    expect((await svc.request("GET", `/api/v1/analyses/${id}`, undefined, { authorization: `Bearer ${operator}` })).status).toBe(200);
  });

  it("a token limited to other services can neither start nor see one", async () => {
    const other = await token("operator", ["cart"]);
    await problem(ok, 403, { authorization: `Bearer ${other}` });
    const { id } = (await (await svc.request("POST", "/api/v1/analyses", ok)).json()) as { id: string };
    expect((await svc.request("GET", `/api/v1/analyses/${id}`, undefined, { authorization: `Bearer ${other}` })).status).toBe(404);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await svc.request("GET", "/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/v1/analyses"]!)).toEqual(["post"]);
    expect(Object.keys(doc.paths["/api/v1/analyses/{id}"]!)).toEqual(["get"]);
  });
});
