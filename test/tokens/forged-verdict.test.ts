import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { generateTraffic, type LogRecord } from "../support/traffic.ts";

const MIN = 60_000;
const START = Date.parse("2026-11-21T12:00:00Z");
const FINISH = START + 2 * MIN;
const ANALYSIS_END = FINISH + 30 * MIN;

let svc: TestService;
afterEach(() => svc?.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function token(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  return (await (await svc.request("POST", "/api/v1/tokens", body)).json()) as { id: string; token: string };
}

/** Sends traffic as a shipper does: each minute a few seconds after it ends, with the clock moving on. */
async function live(events: LogRecord[], sender: string): Promise<void> {
  const byMinute = new Map<number, LogRecord[]>();
  for (const e of events) {
    const minute = Math.floor(e.timestamp / MIN) * MIN;
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), e]);
  }
  for (const [minute, batch] of [...byMinute].sort((a, b) => a[0] - b[0])) {
    svc.clock.now = Math.max(svc.clock.now, minute + MIN + 5_000);
    expect((await svc.request("POST", "/api/v1/logs", { events: batch }, as(sender))).status).toBe(202);
  }
}

/** A release that raised errors tenfold, its history and its deploy sent on time by the shop's own ingest token. */
async function failingRelease(shipper: string): Promise<string> {
  await live(generateTraffic({ service: "shop", start: START - 60 * MIN, minutes: 60, perMinute: 400, errorRate: 0.005, latencyMs: 100, seed: 11 }), shipper);
  svc.clock.now = START;
  await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "5.0.1", phase: "started", timestamp: START }, as(shipper));
  svc.clock.now = FINISH;
  const res = await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "5.0.1", phase: "finished", timestamp: FINISH }, as(shipper));
  await live(generateTraffic({ service: "shop", start: FINISH, minutes: 15, perMinute: 400, errorRate: 0.05, latencyMs: 100, seed: 12 }), shipper);
  return ((await res.json()) as { release_id: string }).release_id;
}

async function finishAndJudge(id: string, shipper: string): Promise<Record<string, any>> {
  await live(generateTraffic({ service: "shop", start: FINISH + 15 * MIN, minutes: 17, perMinute: 400, errorRate: 0.05, latencyMs: 100, seed: 13 }), shipper);
  svc.clock.now = ANALYSIS_END + 61_000;
  await svc.container.verdicts.runDue();
  return (await (await svc.request("GET", `/api/v1/releases/${id}/verdict`)).json()) as Record<string, any>;
}

const healthy = (start: number, minutes: number, perMinute = 4000, seed = 99) =>
  generateTraffic({ service: "shop", start, minutes, perMinute, errorRate: 0, latencyMs: 100, seed });

describe("an ingest token cannot turn a failing release into a pass", () => {
  it("refuses past-dated deploys and synthetic traffic in the baseline and analysis windows; the release still fails", async () => {
    svc = createTestService({ now: START - 60 * MIN, env: { DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS: "300" } });
    const shipper = await token({ name: "shop shipper", scope: "ingest", services: ["shop"] });
    const id = await failingRelease(shipper.token);

    // A past-dated deploy would move the baseline window to a stretch the attacker fills with errors.
    const pastDeploy = await svc.request("POST", "/api/v1/deploys", { service: "shop", version: "5.0.0", phase: "finished", timestamp: START - 40 * MIN }, as(shipper.token));
    expect(pastDeploy.status).toBe(403);
    const badBaseline = generateTraffic({ service: "shop", start: START - 60 * MIN, minutes: 60, perMinute: 400, errorRate: 0.2, latencyMs: 100, seed: 5 });
    expect((await svc.request("POST", "/api/v1/logs", { events: badBaseline.slice(0, 5000) }, as(shipper.token))).status).toBe(403);
    // Healthy requests into minutes already judged would dilute the errors.
    expect((await svc.request("POST", "/api/v1/logs", { events: healthy(FINISH, 10).slice(0, 10_000) }, as(shipper.token))).status).toBe(403);
    // And into minutes not yet come.
    expect((await svc.request("POST", "/api/v1/logs", { events: healthy(FINISH + 20 * MIN, 10).slice(0, 10_000) }, as(shipper.token))).status).toBe(422);

    const v = await finishAndJudge(id, shipper.token);
    expect(v).toMatchObject({ status: "fail", final: true });
    expect(v.late_data).toEqual({ records: 0, share: 0, tokens: [] });
  });

  it("names in the verdict and the audit log the backfill token that wrote into its windows after they closed", async () => {
    svc = createTestService({ now: START - 60 * MIN, env: { DEPLOY_GUARD_INGEST_MAX_AHEAD_SECONDS: "300" } });
    const shipper = await token({ name: "shop shipper", scope: "ingest", services: ["shop"] });
    const importer = await token({ name: "history import", scope: "backfill" });
    const id = await failingRelease(shipper.token);
    const forged = healthy(FINISH, 10, 1000);
    expect((await svc.request("POST", "/api/v1/logs", { events: forged }, as(importer.token))).status).toBe(202);

    const v = await finishAndJudge(id, shipper.token);
    expect(v.final).toBe(true);
    expect(v.late_data.records).toBe(forged.length);
    expect(v.late_data.tokens).toEqual([{ id: importer.id, name: "history import", records: forged.length }]);
    // The forged records among every record of the verdict's windows, 400 real requests a minute.
    const minutesOf = (w: { start: string; end: string }) => (Date.parse(w.end) - Date.parse(w.start)) / MIN;
    const real = 400 * (minutesOf(v.windows.baseline) + minutesOf(v.windows.analysis));
    expect(v.late_data.share).toBeCloseTo(forged.length / (real + forged.length), 3);
    const audit = (await (await svc.request("GET", `/api/v1/releases/${id}/audit`)).json()) as { events: { kind: string; message: string }[] };
    const entry = audit.events.find((e) => e.kind === "late_data");
    expect(entry?.message).toMatch(/counted 10000 records \([\d.]+ % of its data\) that arrived after their minute closed, written by 'history import'/);
  });
});
