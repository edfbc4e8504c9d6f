import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.ts";
import { ErrorSignatureReader } from "../../src/telemetry/error-signature-reader.ts";
import { isErrorEvent, type LogEvent } from "../../src/telemetry/log-event.ts";
import { TelemetryStore } from "../../src/telemetry/telemetry-store.ts";
import { judgeNewErrors, readNewErrorsInput } from "../../src/verdicts/new-errors-signal.ts";
import { seededSampler } from "../support/seeded-sampler.ts";
import { createTestService, type TestService } from "../support/test-service.ts";
import { countOf, refuseInserts } from "./refusing-trigger.ts";

const MINUTE = 60_000, HOUR = 60 * MINUTE;
const DEPLOY = Date.UTC(2026, 2, 10, 14, 0);
const services: TestService[] = [];
afterEach(async () => {
  for (const svc of services.splice(0)) await svc.close();
});
/** An empty store of its own (SQLite or PostgreSQL, as the run is). */
const fresh = () => {
  const svc = createTestService();
  services.push(svc);
  return svc;
};

const event = (ts: number, message: string | undefined, opts: Partial<LogEvent> = {}): LogEvent => {
  const status = opts.status ?? 200, level = opts.level;
  return { ts, service: "cart", environment: "production", host: "h1", version: "v1", level, status, latencyMs: 20, route: "/cart", message, isError: isErrorEvent(status, level), ...opts };
};

const OLD_ERRORS = ["timeout after 812 ms calling 10.0.0.7:8080", "db pool exhausted: 64 of 64 connections busy", "payment declined for order 99812"];

/** 20 rpm for `hours` before the deploy, 1 % of requests failing with one of three familiar messages. */
async function history(store: TelemetryStore, hours: number, seed: number): Promise<void> {
  const rng = seededSampler(seed);
  const start = DEPLOY - hours * HOUR;
  for (let m = 0; m < hours * 60; m++) {
    const batch: LogEvent[] = [];
    for (let r = rng.poisson(20); r > 0; r--) {
      const ts = start + m * MINUTE + Math.floor(rng.uniform() * MINUTE);
      batch.push(rng.uniform() < 0.01 ? event(ts, OLD_ERRORS[Math.floor(rng.uniform() * 3)], { status: 503, host: `h${1 + (r % 3)}` }) : event(ts, "ok"));
    }
    await store.insertLogs(batch);
  }
}

/** `minutes` after the release; `npeShare` of requests now throw a new exception. */
async function candidate(store: TelemetryStore, minutes: number, npeShare: number, seed: number): Promise<void> {
  const rng = seededSampler(seed);
  for (let m = 0; m < minutes; m++) {
    const batch: LogEvent[] = [];
    for (let r = rng.poisson(20); r > 0; r--) {
      const ts = DEPLOY + m * MINUTE + Math.floor(rng.uniform() * MINUTE);
      const u = rng.uniform(), host = `h${1 + (r % 3)}`;
      if (u < npeShare) batch.push(event(ts, `java.lang.NullPointerException: cart ${Math.floor(rng.uniform() * 1e5)} empty\n\tat Cart.total(Cart.java:42)`, { level: "error", status: undefined, host, version: "v2" }));
      else if (u < npeShare + 0.01) batch.push(event(ts, OLD_ERRORS[0]!.replace("812", String(Math.floor(rng.uniform() * 999))), { status: 503, host, version: "v2" }));
      else batch.push(event(ts, "ok", { version: "v2" }));
    }
    await store.insertLogs(batch);
  }
}

const judgeAfter = async (db: Store, minutes: number) => {
  const data = await readNewErrorsInput(new ErrorSignatureReader(db), { service: "cart", environment: "production", version: "v2", deployStart: DEPLOY, candidateStart: DEPLOY, candidateEnd: DEPLOY + minutes * MINUTE }, { lookback_days: 7 });
  if (data.kind !== "new_errors") throw new Error(data.why);
  return judgeNewErrors(data.evidence, { fail_on_own: true, lookback_days: 7, min_events: 3 }, { alpha: 0.005, looks: 47 });
};

describe("error signatures from pushed logs", () => {
  it("fingerprints only error events, storing a masked sample and per-minute, per-host counts", async () => {
    const svc = fresh(), store = new TelemetryStore(svc.container.store);
    await store.insertLogs([
      event(DEPLOY, "login failed for bob password=hunter2", { status: 500 }),
      event(DEPLOY + 1000, "login failed for eve password=letmein", { status: 502, host: "h2" }),
      event(DEPLOY + 2000, "user logged in", { status: 200 }),
      event(DEPLOY + 3000, "slow disk", { level: "warn" }),
      event(DEPLOY + 4000, undefined, { status: 500 }),
    ]);
    const rows = await svc.sql<{ template: string; sample: string }>("SELECT template, sample FROM error_signatures").all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sample).toBe("login failed for bob password=[hidden]");
    expect(rows[0]!.template).not.toMatch(/hunter2|letmein/);
    expect(await svc.sql("SELECT host, count FROM error_signature_minutes ORDER BY host").all()).toEqual([{ host: "h1", count: 1 }, { host: "h2", count: 1 }]);
  });

  it("stores a batch's log events and its signatures together or not at all", async () => {
    const svc = fresh(), store = new TelemetryStore(svc.container.store);
    await refuseInserts(svc, "error_signature_minutes", "NEW.host = 'boom'");
    const batch = [event(DEPLOY, "ok"), event(DEPLOY + 10, "boom happened", { status: 500, host: "boom" })];
    await expect(store.insertLogs(batch)).rejects.toThrow(/refused/);
    for (const table of ["log_events", "request_rollups", "service_rollups", "error_signatures", "error_signature_minutes"]) expect(await countOf(svc, table)).toBe(0);
    await store.insertLogs([event(DEPLOY, "ok"), event(DEPLOY + 10, "boom happened", { status: 500, host: "h9" })]);
    expect(await countOf(svc, "log_events")).toBe(2);
    expect(await countOf(svc, "error_signature_minutes")).toBe(1);
  });

  it("names one kind of error once when two batches of a new service are prepared at the same time", async () => {
    const store = new TelemetryStore(fresh().container.store);
    // Both ask for the service's stored templates before either has its answer: they must still mine with one miner.
    const [first, later] = await Promise.all([
      store.prepareLogs([event(DEPLOY, "cache miss on shelf alpha", { status: 500 })]),
      store.prepareLogs([event(DEPLOY + 1000, "cache miss on shelf beta", { status: 500 })]),
    ]);
    expect(later.signatures.signatures[0]!.fingerprint).toBe(first.signatures.signatures[0]!.fingerprint);
    // Whichever read answered second mined second (on PostgreSQL the two reads run at once): its template generalises.
    expect([first, later].map((p) => p.signatures.signatures[0]!.template)).toContain("cache miss on shelf <*>");
  });

  it("at 20 rpm passes an unchanged release and fails a new exception within 10 minutes, naming it", async () => {
    const unchanged = fresh().container.store;
    await history(new TelemetryStore(unchanged), 36, 1);
    await candidate(new TelemetryStore(unchanged), 10, 0, 2);
    const pass = await judgeAfter(unchanged, 10);
    expect(pass.status).toBe("pass");
    expect(pass.reason).toMatch(/^No new kind of error appeared after this release/);

    const broken = fresh().container.store;
    await history(new TelemetryStore(broken), 36, 1);
    await candidate(new TelemetryStore(broken), 10, 0.05, 2);
    const fail = await judgeAfter(broken, 10);
    expect(fail.status).toBe("fail");
    expect(fail.kinds).toHaveLength(1);
    expect(fail.reason).toMatch(/^1 new kind of error appeared after this release: 'java\.lang\.NullPointerException: cart <num> empty at Cart\.total\(Cart\.java:<num>\)' \d+ times on 3 hosts/);
  }, 60_000);
});
