import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ServerProcess } from "../../support/server-process.ts";
import { BANK, bankWorkload } from "../../capacity/bank-workload.ts";
import { capacityRules, metricBodies } from "../../capacity/capacity-fixtures.ts";

const TOKEN = "e2e-capacity-token-0123456789";
const MINUTE = 60_000;
const DATA_END = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
const DATA_START = DATA_END - 7 * 1440 * MINUTE;
const STARTED = DATA_END - (1440 + 30) * MINUTE;
const FINISHED = STARTED + 5 * MINUTE;

describe("done when: a week of volumes and CPU, a release that makes closing an account 30 % dearer (real server process)", () => {
  let server: ServerProcess;
  let dir: string;
  let releaseId: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dg-capacity-e2e-"));
    server = await startServer({ DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: capacityRules(), DEPLOY_GUARD_API_TOKEN: TOKEN,
      DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1", DEPLOY_GUARD_INGEST_GRACE_SECONDS: "0", DEPLOY_GUARD_LOG_LEVEL: "warn" });
    const w = bankWorkload({ seed: 42, minutes: 7 * 1440, start: DATA_START, changeAt: (FINISHED - DATA_START) / MINUTE, closedCostAfter: BANK.accounts_closed * 1.3, growthPerDay: 0.02 });
    for (const body of metricBodies("accounts", w)) expect((await api("POST", "/api/v1/metrics", body)).status).toBe(202);
    await api("POST", "/api/v1/deploys", { service: "accounts", version: "3.1.0", phase: "started", timestamp: STARTED });
    releaseId = (await api("POST", "/api/v1/deploys", { service: "accounts", version: "3.1.0", phase: "finished", timestamp: FINISHED })).body.release_id as string;
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the final verdict is warn and names accounts_closed", async () => {
    await expect.poll(async () => (await api("GET", `/api/v1/releases/${releaseId}/verdict`)).body.final, { timeout: 30_000, interval: 250 }).toBe(true);
    const verdict = (await api("GET", `/api/v1/releases/${releaseId}/verdict`)).body as { status: string; checks: { signal: string; status: string; reason: string }[] };
    expect(verdict.status).toBe("warn");
    const capacity = verdict.checks.find((c) => c.signal === "capacity")!;
    expect(capacity.status).toBe("warn");
    expect(capacity.reason).toMatch(/cpu_percent per accounts_closed \+(2[5-9]|3[0-5]) %/);
  });

  it("the capacity API answers with the model, the change and the headroom", async () => {
    const release = (await api("GET", `/api/v1/releases/${releaseId}/capacity`)).body as { risen: string[]; changes: { name: string; relative: number }[]; headroom: { before: { volume_at_limit: number }; after: { volume_at_limit: number } } };
    expect(release.risen).toEqual(["accounts_closed"]);
    expect(release.changes[2]!.relative).toBeGreaterThan(0.25);
    expect(release.headroom.after.volume_at_limit).toBeLessThan(release.headroom.before.volume_at_limit);
    const service = (await api("GET", "/api/v1/services/accounts/capacity")).body as { current: { coefficients: { name: string }[] }; headroom: { volume_at_limit: number; days_to_limit: number }; history: { release_id: string }[] };
    expect(service.current.coefficients.map((c) => c.name)).toEqual(["intercept", "accounts_opened", "accounts_closed"]);
    expect(service.headroom.volume_at_limit).toBeGreaterThan(0);
    expect(service.headroom.days_to_limit).toBeGreaterThan(0);
    expect(service.history.map((h) => h.release_id)).toEqual([releaseId]);
  });
});
