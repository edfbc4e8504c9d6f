/**
 * Issue 15 item 5 through the real app: on-demand analyses of a control window against an experiment window, judged
 * by the release engine on seeded request logs (SQLite, or PostgreSQL with DEPLOY_GUARD_TEST_STORE=postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic, type TrafficSpec } from "../support/traffic.ts";

const T = (hhmm: string) => Date.parse(`2026-11-21T${hhmm}:00Z`);

interface AnalysisBody {
  id: string;
  status: string;
  final: boolean;
  summary: string;
  design: string;
  status_url: string;
  decide_by: string | null;
  windows: { baseline: { start: string | null; end: string | null; label: string }; analysis: { start: string; end: string } } | null;
  checks: { signal: string; status: string; baseline: number | null; candidate: number | null }[];
}

let svc: TestService;

async function seed(spec: Omit<TrafficSpec, "perMinute" | "latencyMs">): Promise<void> {
  const res = await svc.request("POST", "/api/v1/logs", { events: generateTraffic({ perMinute: 200, latencyMs: 80, ...spec }) });
  expect(res.status, await res.clone().text()).toBe(202);
}

async function start(body: unknown, headers: Record<string, string> = {}): Promise<{ id: string; status_url: string; status: string }> {
  const res = await svc.request("POST", "/api/v1/analyses", body, headers);
  expect(res.status, await res.clone().text()).toBe(202);
  const accepted = (await res.json()) as { id: string; status_url: string; status: string };
  expect(res.headers.get("location")).toBe(accepted.status_url);
  return accepted;
}

async function poll(statusUrl: string): Promise<AnalysisBody> {
  const res = await svc.request("GET", new URL(statusUrl).pathname);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AnalysisBody;
}

const window = (from: string, to: string, extra: Record<string, unknown> = {}) => ({ start: new Date(T(from)).toISOString(), end: new Date(T(to)).toISOString(), ...extra });

beforeAll(async () => {
  svc = createTestService({ now: T("12:00") });
  // checkout: 1 % errors, then 5 % an hour later. cart: 1 % both times. search: versions 1 and 2 serving side by side.
  await seed({ service: "checkout", start: T("09:00"), minutes: 30, errorRate: 0.01, seed: 1 });
  await seed({ service: "checkout", start: T("10:00"), minutes: 30, errorRate: 0.05, seed: 2 });
  await seed({ service: "cart", start: T("09:00"), minutes: 30, errorRate: 0.01, seed: 3 });
  await seed({ service: "cart", start: T("10:00"), minutes: 30, errorRate: 0.01, seed: 4 });
  await seed({ service: "search", start: T("10:00"), minutes: 30, errorRate: 0.01, version: "1", hosts: ["s-1", "s-2"], seed: 5 });
  await seed({ service: "search", start: T("10:00"), minutes: 30, errorRate: 0.05, version: "2", hosts: ["s-3"], seed: 6 });
}, 120_000);

afterAll(async () => {
  await svc.close();
});

describe("an analysis of windows in the past is judged when it is posted", () => {
  it("fails an experiment window with five times the control window's errors", async () => {
    const accepted = await start({ service: "checkout", control: window("09:00", "09:30"), experiment: window("10:00", "10:30") });
    expect(accepted.status).toBe("fail");
    const v = await poll(accepted.status_url);
    expect(v).toMatchObject({ status: "fail", final: true, design: "reference" });
    const errors = v.checks.find((c) => c.signal === "error_rate")!;
    expect(errors.status).toBe("fail");
    expect(errors.candidate! / errors.baseline!).toBeGreaterThan(3);
    expect(v.windows!.baseline).toMatchObject({ start: "2026-11-21T09:00:00.000Z", end: "2026-11-21T09:30:00.000Z" });
    expect(v.windows!.analysis).toEqual({ start: "2026-11-21T10:00:00.000Z", end: "2026-11-21T10:30:00.000Z" });
  });

  it("passes an experiment window like its control window", async () => {
    const accepted = await start({ service: "cart", control: window("09:00", "09:30"), experiment: window("10:00", "10:30") });
    const v = await poll(accepted.status_url);
    expect(v.status, v.summary).toBe("pass");
    expect(v.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
  });

  it("compares two versions serving in the same minutes concurrently, the rest of the traffic as control", async () => {
    const accepted = await start({ service: "search", control: window("10:00", "10:30"), experiment: window("10:00", "10:30", { version: "2" }) });
    const v = await poll(accepted.status_url);
    expect(v).toMatchObject({ status: "fail", design: "concurrent" });
    expect(v.windows!.baseline.label).toContain("the rest of the traffic (not version 2)");
    const named = await poll((await start({ service: "search", control: window("10:00", "10:30", { version: "1" }), experiment: window("10:00", "10:30", { version: "2" }) })).status_url);
    expect(named).toMatchObject({ status: "fail", design: "concurrent" });
    expect(named.windows!.baseline.label).toContain("version 1");
  });

  it("leaves out signals judged only for releases and adds no release, alert or rollback", async () => {
    const before = await svc.sql<{ n: number }>("SELECT COUNT(*) AS n FROM notifications").get();
    const accepted = await start({ service: "checkout", control: window("09:00", "09:30"), experiment: window("10:00", "10:30"), rule: "default" });
    const v = await poll(accepted.status_url);
    expect(v.checks.map((c) => c.signal)).toEqual(["error_rate", "latency"]);
    expect(Number((await svc.sql<{ n: number }>("SELECT COUNT(*) AS n FROM notifications").get())!.n)).toBe(Number(before!.n));
    expect(await svc.sql("SELECT 1 FROM releases WHERE service = 'checkout'").get()).toBeUndefined();
  });
});

describe("an analysis whose windows have not ended yet", () => {
  it("answers analyzing until both windows have ended and the ingest grace passed, then its verdict", async () => {
    const accepted = await start({ service: "cart", control: window("09:00", "09:30"), experiment: window("12:00", "12:30") });
    expect(accepted.status).toBe("analyzing");
    svc.clock.now = T("12:15");
    const waiting = await poll(accepted.status_url);
    expect(waiting).toMatchObject({ status: "analyzing", final: false, decide_by: "2026-11-21T12:31:00.000Z", checks: [] });
    await seed({ service: "cart", start: T("12:00"), minutes: 30, errorRate: 0.05, seed: 7 });
    svc.clock.now = T("12:30") + 30_000;
    expect((await poll(accepted.status_url)).status).toBe("analyzing");
    svc.clock.now = T("12:31");
    const done = await poll(accepted.status_url);
    expect(done).toMatchObject({ status: "fail", final: true, decide_by: null });
    // Judged once: a later poll answers the stored verdict.
    svc.clock.now = T("13:00");
    expect(await poll(accepted.status_url)).toEqual({ ...done });
    svc.clock.now = T("12:00");
  });
});

describe("a re-POST answers the same analysis", () => {
  const body = { service: "checkout", control: window("09:00", "09:30"), experiment: window("10:00", "10:30") };

  it("with the same Idempotency-Key, and refuses that key for another request", async () => {
    const first = await start(body, { "idempotency-key": "spinnaker-exec-1" });
    const again = await start({ ...body, control: { start: T("09:00"), end: T("09:30") } }, { "idempotency-key": "spinnaker-exec-1" });
    expect(again.id).toBe(first.id);
    const other = await svc.request("POST", "/api/v1/analyses", { ...body, service: "cart" }, { "idempotency-key": "spinnaker-exec-1" });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("Idempotency-Key");
  });

  it("with the same client id", async () => {
    const first = await start({ ...body, id: "keptn-ctx-42" });
    expect(first.id).toBe("keptn-ctx-42");
    expect((await start({ ...body, id: "keptn-ctx-42" })).status_url).toBe(first.status_url);
    expect((await svc.request("POST", "/api/v1/analyses", { ...body, id: "keptn-ctx-42", rule: "default", service: "cart" })).status).toBe(409);
  });
});
